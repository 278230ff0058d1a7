import { describe, expect, it } from 'vitest';
import { safeJson, safeMessage, safeText, terminalSafe } from '../../../cli/terminal/safe-text.ts';

describe('text that reaches the terminal', () => {
  it('escapes C0, C1, DEL and bidirectional controls, keeping printable text and Unicode', () => {
    // Prepare
    const hostile = 'ok \u001b]0;owned\u0007 \u009b31m \u007f \u202eevil\u202c caf\u00e9 \u2713';

    // Act
    const shown = safeText(hostile);

    // Assess
    expect(shown).toBe('ok \\e]0;owned\\x07 \\x9b31m \\x7f \\u202eevil\\u202c café ✓');
    expect([...shown].some((char) => (char.codePointAt(0) ?? 0) < 0x20)).toBe(false);
  });

  it('keeps the newlines of a multi-line message but escapes them inside one value', () => {
    // Act
    const message = safeMessage('plan is not valid:\n  - name: \u001b[31m');
    const value = safeText('two\nlines');

    // Assess
    expect(message).toBe('plan is not valid:\n  - name: \\e[31m');
    expect(value).toBe('two\\nlines');
  });

  it('makes every string of a document safe without changing its shape', () => {
    // Prepare
    const document = { name: 'a\u001bb', steps: [{ step: 'x\u009by', retries: 2 }], when: null };

    // Act
    const safe = terminalSafe(document);

    // Assess
    expect(safe).toEqual({ name: 'a\\eb', steps: [{ step: 'x\\x9by', retries: 2 }], when: null });
    expect(document.name).toBe('a\u001bb');
  });

  it('prints JSON that is still valid and holds no raw control character', () => {
    // Prepare
    const value = { text: 'a\u009bb\u001bc\u2028' };

    // Act
    const json = safeJson(value);

    // Assess
    expect(JSON.parse(json)).toEqual(value);
    expect(json).toContain('\\u009b');
    expect(json).toContain('\\u001b');
    const raw = [...json].filter((char) => {
      const code = char.codePointAt(0) ?? 0;
      return (code < 0x20 && char !== '\n') || (code >= 0x7f && code <= 0x9f) || code === 0x2028;
    });
    expect(raw).toEqual([]);
  });
});
