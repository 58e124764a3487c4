/** One entry of a drop-down or right-click menu. */
export interface MenuItem {
  label: string;
  /** As the platform writes it (Ctrl+Z, ⌘Z); shown on the right. */
  shortcut?: string;
  enabled: boolean;
  /** A tick for options that are on (the theme chosen, a panel shown). */
  checked?: boolean;
  /** The full text, when the label is shortened (a file's name, its path in the tooltip). */
  title?: string;
  testid?: string;
  /** Draws a line above this item. */
  separator?: boolean;
  /** A heading above this item (a group of options). */
  heading?: string;
  select(): void;
}
