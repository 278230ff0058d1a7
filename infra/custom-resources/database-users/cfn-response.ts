/**
 * The CloudFormation custom resource protocol, as much as this resource needs: the request it
 * receives and the response it PUTs to the pre-signed ResponseURL (CloudFormation User Guide,
 * "Custom resource request objects" and "response objects").
 */

export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  /** Update requests only: the properties before the update. */
  OldResourceProperties?: Record<string, unknown>;
}

export interface CustomResourceResult {
  status: 'SUCCESS' | 'FAILED';
  physicalResourceId: string;
  reason?: string;
  data?: Record<string, string>;
}

/** Sends the body with HTTP PUT; a port so tests need no network. */
export type ResponseSender = (url: string, body: string) => Promise<void>;

/** CloudFormation refuses a response body over 4096 bytes: the reason is cut to fit. */
const MAX_REASON = 2000;

export function responseBody(event: CustomResourceEvent, result: CustomResourceResult): string {
  return JSON.stringify({
    Status: result.status,
    Reason: (result.reason ?? result.status).slice(0, MAX_REASON),
    PhysicalResourceId: result.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: result.data ?? {},
  });
}

export const putResponse: ResponseSender = async (url, body) => {
  // The pre-signed S3 URL expects no content type (it is part of the signature).
  const response = await fetch(url, {
    method: 'PUT',
    body,
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
  });
  if (!response.ok) throw new Error(`CloudFormation response PUT failed: HTTP ${response.status}`);
};
