/** Whether keys belong to a text field: there Ctrl+Z, Ctrl+C… edit the text, not the graph. */

/** Input types that take typed text; a checkbox or a button does not. */
const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'url', 'tel', 'email', 'password', 'number']);

/** The parts of an element this looks at (a DOM Element, or a stand-in in tests). */
export interface FocusTarget {
  tagName: string;
  isContentEditable?: boolean;
  getAttribute(name: string): string | null;
}

/** True for text inputs, text areas, selects (which take keys to choose) and editable content. */
export function isTextField(element: FocusTarget | null | undefined): boolean {
  if (!element) return false;
  if (element.isContentEditable) return true;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && TEXT_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase());
}
