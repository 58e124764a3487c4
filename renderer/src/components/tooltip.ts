/**
 * Tooltips that can say more than a title attribute: a heading and lines (a formula per line),
 * shown on hover or keyboard focus after a short delay, hidden on leave, blur or Escape, and
 * announced through aria-describedby. Text only (never HTML), so a block's name cannot inject
 * markup. Use as `use:tooltip={{ title, lines }}`.
 */
export interface TooltipContent {
  title: string;
  lines?: readonly string[];
}

import './tooltip.css';

const SHOW_AFTER_MS = 350;
let counter = 0;

export function tooltip(node: HTMLElement, initial: TooltipContent | null) {
  let content = initial;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tip: HTMLDivElement | null = null;
  const id = `tooltip-${++counter}`;

  const hide = () => {
    clearTimeout(timer);
    tip?.remove();
    tip = null;
    node.removeAttribute('aria-describedby');
  };

  const show = () => {
    if (!content || tip) return;
    tip = document.createElement('div');
    tip.className = 'tooltip';
    tip.id = id;
    tip.setAttribute('role', 'tooltip');
    const heading = document.createElement('strong');
    heading.textContent = content.title;
    tip.append(heading);
    for (const line of content.lines ?? []) {
      const row = document.createElement('div');
      row.textContent = line;
      tip.append(row);
    }
    document.body.append(tip);
    place(tip);
    node.setAttribute('aria-describedby', id);
  };

  /** Beside the element (right of it when there is room, else below), kept inside the window. */
  const place = (element: HTMLDivElement) => {
    const anchor = node.getBoundingClientRect();
    const own = element.getBoundingClientRect();
    const right = anchor.right + 8;
    const fitsRight = right + own.width <= window.innerWidth - 8;
    const left = fitsRight ? right : Math.max(8, Math.min(anchor.left, window.innerWidth - own.width - 8));
    const top = fitsRight ? anchor.top : anchor.bottom + 6;
    element.style.left = `${left}px`;
    element.style.top = `${Math.max(8, Math.min(top, window.innerHeight - own.height - 8))}px`;
  };

  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(show, SHOW_AFTER_MS);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') hide();
  };

  node.addEventListener('mouseenter', later);
  node.addEventListener('mouseleave', hide);
  node.addEventListener('focusin', later);
  node.addEventListener('focusout', hide);
  node.addEventListener('keydown', onKey);
  node.addEventListener('pointerdown', hide);

  return {
    update(next: TooltipContent | null) {
      content = next;
      if (tip) {
        hide();
        show();
      }
    },
    destroy() {
      hide();
      node.removeEventListener('mouseenter', later);
      node.removeEventListener('mouseleave', hide);
      node.removeEventListener('focusin', later);
      node.removeEventListener('focusout', hide);
      node.removeEventListener('keydown', onKey);
      node.removeEventListener('pointerdown', hide);
    },
  };
}
