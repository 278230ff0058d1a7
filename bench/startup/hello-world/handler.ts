// The yardstick for figure 4: the smallest Lambda handler, bundled and imported like drctl's functions.
export const handler = async () => ({ statusCode: 200, body: 'hello world' });
