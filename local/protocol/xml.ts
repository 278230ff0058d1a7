/**
 * A minimal XML writer for AWS responses. Values map to elements: objects nest, `XmlList` writes
 * one member element per item (AWS names the member element per shape, e.g. `<DBInstance>` in
 * RDS, `<member>` in SNS), Dates are ISO-8601, undefined and null are left out.
 */
export interface XmlList {
  readonly xmlList: string;
  readonly items: readonly XmlValue[];
}
export type XmlValue = string | number | boolean | Date | XmlList | XmlObject | undefined | null;
export interface XmlObject {
  [element: string]: XmlValue;
}

export const list = (memberName: string, items: readonly XmlValue[]): XmlList => ({
  xmlList: memberName,
  items,
});

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;',
  );
}

function isList(value: XmlValue): value is XmlList {
  return typeof value === 'object' && value !== null && 'xmlList' in value && 'items' in value;
}

export function toXml(name: string, value: XmlValue, attributes = ''): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return `<${name}${attributes}>${value.toISOString()}</${name}>`;
  if (isList(value)) {
    return `<${name}${attributes}>${value.items.map((item) => toXml(value.xmlList, item)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    const body = Object.entries(value)
      .map(([child, childValue]) => toXml(child, childValue))
      .join('');
    return `<${name}${attributes}>${body}</${name}>`;
  }
  return `<${name}${attributes}>${escapeXml(String(value))}</${name}>`;
}

export function xmlDocument(root: string, value: XmlObject, namespace: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(root, value, ` xmlns="${namespace}"`)}`;
}
