// A list that builds only the blocks on screen. The SQL of a 10 000-table migration is 30 000
// statement blocks and 600 000 lines; building an element per token for all of it took the page
// 20 s and 590 000 nodes. This list keeps the blocks in a scroll box of its own and builds those
// in view plus a margin above and below, at their place in a box as tall as all the blocks.
//
// Why not CodeMirror 6, whose view also builds only what is on screen: the page shows a
// read-only file cut into statement blocks, each with a column of marks beside it (risk codes,
// BLOCKED, the diff id, a disclosure with the undo SQL) as tall as it needs to be. CodeMirror's
// gutter markers are one line tall per line, so those marks would have to become block widgets
// between lines; the editor would be configured down to read-only, with its own highlighter in
// place of sql.js (whose exact round trip the tests hold), its own search panel, and six or more
// packages (@codemirror/state, view, language, search, lang-sql, @lezer/*) that import each other
// by bare name. The page has no build step: a bundler would have to be added to
// scripts/build-www.sh, or an import map, an inline script the page's CSP would have to allow by
// hash. The list below is the part of that which the page needs, in about 250 lines: heights
// estimated from line counts (by the worker, blocks.js), corrected by measuring each block once
// it is built, and the scroll position held on the block at the top of the box while heights
// above it change.

export class VirtualList {
  /**
   * `scroller`: an element with overflow: auto (its height limited by CSS). `count` blocks;
   * `heights`: the height in pixels each block probably has (a Float64Array, kept and corrected
   * as blocks are measured), or `estimate(i)` giving it; `render(i)`: a new element for block i.
   * Up to `renderAll` blocks are all built (the browser's own find then sees them all).
   */
  constructor(scroller, { count, heights = null, estimate = null, render, overscan = 800, renderAll = 150, maxHeight = 6_000_000 }) {
    this.scroller = scroller;
    // Browsers cap an element's height (Chromium near 33.5 million pixels, Firefox near 17.9
    // million): a list taller than maxHeight gets a box of maxHeight pixels, its scroll position
    // mapped in proportion onto the list's (see virtualTop()).
    this.maxHeight = maxHeight;
    this.count = count;
    this.render = render;
    this.overscan = overscan;
    this.renderAll = count <= renderAll;
    if (heights) {
      this.heights = heights;
    } else {
      this.heights = new Float64Array(count);
      for (let i = 0; i < count; i++) this.heights[i] = estimate(i);
    }
    this.measured = new Uint8Array(count);
    this.offsets = new Float64Array(count + 1);
    this.sum(0);
    this.nodes = new Map(); // index -> element
    this.from = 0;
    this.to = 0;
    this.sizer = document.createElement('div');
    this.sizer.className = 'vlist-sizer';
    this.list = document.createElement('div');
    this.list.className = 'vlist-items';
    this.sizer.append(this.list);
    scroller.replaceChildren(this.sizer);
    this.sizer.style.height = `${this.boxHeight()}px`;
    this.pending = 0;
    this.onScroll = () => this.schedule();
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    this.resize = typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
        this.measured.fill(0);
        this.schedule();
      })
      : null;
    this.resize?.observe(scroller);
    this.update();
  }

  /** Offsets from block `from` on. */
  sum(from) {
    const { offsets, heights } = this;
    for (let i = from; i < this.count; i++) offsets[i + 1] = offsets[i] + heights[i];
  }

  /** The block at `y` pixels from the top of the list. */
  indexAt(y) {
    const { offsets } = this;
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The height of the scrolled box: the list's, or maxHeight for a longer one. */
  boxHeight() {
    return Math.min(this.offsets[this.count], this.maxHeight);
  }

  /** The list's pixel at the top of the view, for the box's scroll position `top`. */
  virtualTop(top, height) {
    const total = this.offsets[this.count];
    const box = this.boxHeight();
    if (total <= box || box <= height) return top;
    return Math.min(total - height, (top * (total - height)) / (box - height));
  }

  /** The box's scroll position that shows the list's pixel `y` at the top of the view. */
  scrollFor(y, height) {
    const total = this.offsets[this.count];
    const box = this.boxHeight();
    if (total <= box || box <= height) return y;
    return (y * (box - height)) / (total - height);
  }

  /** Puts the built blocks, from block `from`, where the view shows them. */
  position(from, top, vtop) {
    this.list.style.transform = `translateY(${top + this.offsets[from] - vtop}px)`;
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.update();
    });
  }

  /** The built element of block i, or null when it is not built. */
  element(i) {
    return this.nodes.get(i) ?? null;
  }

  /** Builds what is in view, measures it, and keeps the block at the top where it was. */
  update() {
    if (!this.scroller.isConnected) return;
    for (let round = 0; round < 4; round++) {
      const top = this.scroller.scrollTop;
      const height = this.scroller.clientHeight || 600;
      const atEnd = top > 0 && top + height >= this.boxHeight() - 1;
      const vtop = this.virtualTop(top, height);
      let from = 0;
      let to = this.count;
      if (!this.renderAll) {
        from = this.indexAt(Math.max(0, vtop - this.overscan));
        to = Math.min(this.count, this.indexAt(vtop + height + this.overscan) + 1);
        // Blocks that come into view are built in this frame; the margin around them, when it
        // needs new blocks too, in the next (a long jump then costs one task of half the size).
        const first = this.indexAt(vtop);
        const last = Math.min(this.count, this.indexAt(vtop + height) + 1);
        let fresh = false;
        for (let i = first; i < last && !fresh; i++) fresh = !this.nodes.has(i);
        if (fresh) {
          let f = first;
          while (f > from && this.nodes.has(f - 1)) f--;
          let t = last;
          while (t < to && this.nodes.has(t)) t++;
          if (f > from || t < to) {
            from = f;
            to = t;
            this.schedule();
          }
        }
      }
      this.place(from, to);
      this.position(from, top, vtop);
      // Measure what was built; blocks above the one at the top move it if their height changed.
      const anchor = this.indexAt(vtop);
      const within = vtop - this.offsets[anchor];
      let first = -1;
      for (let i = from; i < to; i++) {
        const h = this.nodes.get(i).offsetHeight;
        this.measured[i] = 1;
        if (h && Math.abs(h - this.heights[i]) > 0.5) {
          this.heights[i] = h;
          if (first === -1) first = i;
        }
      }
      if (first === -1) return;
      this.sum(first);
      this.sizer.style.height = `${this.boxHeight()}px`;
      const want = atEnd ? this.boxHeight() - height : this.scrollFor(this.offsets[anchor] + within, height);
      if (Math.abs(want - top) > 0.5) this.scroller.scrollTop = want;
      const now = this.virtualTop(this.scroller.scrollTop, height);
      this.position(from, this.scroller.scrollTop, now);
      if (this.renderAll) return;
      // When the blocks built still fill the view, the margin around it is made up in the next
      // frame, not by laying the page out again in this task.
      if (this.offsets[from] <= now && this.offsets[to] >= Math.min(now + height, this.offsets[this.count])) {
        this.schedule();
        return;
      }
    }
  }

  /** Keeps blocks [from, to) built, in order, and the rest removed. */
  place(from, to) {
    if (from === this.from && to === this.to && this.nodes.size === to - from) return;
    for (const [i, node] of this.nodes) {
      if (i < from || i >= to) {
        node.remove();
        this.nodes.delete(i);
      }
    }
    const items = [];
    for (let i = from; i < to; i++) {
      let node = this.nodes.get(i);
      if (!node) {
        node = this.render(i);
        node.dataset.block = String(i);
        this.nodes.set(i, node);
      }
      items.push(node);
    }
    // Elements kept stay where they are; new ones go before the first kept one or after the last.
    let next = null;
    for (let k = items.length - 1; k >= 0; k--) {
      const node = items[k];
      if (node.parentNode !== this.list || node.nextSibling !== next) this.list.insertBefore(node, next);
      next = node;
    }
    this.from = from;
    this.to = to;
  }

  /** Builds the blocks in view again (what they show has changed), keeping the view where it is. */
  refresh() {
    for (const [i, node] of this.nodes) {
      const fresh = this.render(i);
      fresh.dataset.block = String(i);
      const focused = node.contains(document.activeElement);
      node.replaceWith(fresh);
      this.nodes.set(i, fresh);
      if (focused) fresh.focus({ preventScroll: true });
    }
    this.update();
  }

  /** Scrolls block i to the top of the box (`center`: to its middle), building it. */
  scrollToIndex(i, align = 'start') {
    const idx = Math.max(0, Math.min(this.count - 1, i));
    const height = this.scroller.clientHeight;
    const place = () => {
      const y = align === 'center'
        ? this.offsets[idx] - Math.max(0, (height - this.heights[idx]) / 2)
        : this.offsets[idx];
      this.scroller.scrollTop = Math.max(0, this.scrollFor(Math.max(0, y), height));
      this.update();
    };
    place();
    // Heights measured on the way may have moved it: once more, from what is known now.
    const shown = this.virtualTop(this.scroller.scrollTop, height);
    if (align === 'start' && Math.abs(shown - this.offsets[idx]) > 1) place();
    return this.element(idx);
  }

  destroy() {
    this.scroller.removeEventListener('scroll', this.onScroll);
    this.resize?.disconnect();
    if (this.pending) cancelAnimationFrame(this.pending);
    this.nodes.clear();
  }
}
