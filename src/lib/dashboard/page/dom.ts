/// <reference lib="dom" />
/** Tiny DOM helpers: elements with attributes and children, and SVG elements. */

export type Child = Node | string | number | null | undefined | false;

const svgNs = 'http://www.w3.org/2000/svg';

function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** An HTML element. Attributes with value false or undefined are left out; true sets an empty one. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

/** An SVG element. */
export function s(
  tag: string,
  attributes: Readonly<Record<string, string | number | undefined>> = {},
  ...children: Child[]
): SVGElement {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) e.setAttribute(k, String(v));
  append(e, children);
  return e;
}

/** The element with this id; throws when the page lacks it (a template and script out of step). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard: expected an element #${id}, found none`);
  return e as T;
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
