// A word-level diff of the bot's answer and the reviewer's correction, for the live view under the edit box.

/** Words and the white space between them, so joining the parts gives the text back. */
export function words(text) {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/**
 * The correction as runs of kept, inserted and deleted words: [{ kind: 'same' | 'ins' | 'del', text }]. A longest
 * common subsequence over the words; answers are short, and past 4,000 words each side the diff is not drawn.
 */
export function wordDiff(before, after) {
  const a = words(before);
  const b = words(after);
  if (a.length > 4000 || b.length > 4000) {
    return null;
  }
  const width = b.length + 1;
  const lengths = new Uint16Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j]
        ? lengths[(i + 1) * width + j + 1] + 1
        : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const runs = [];
  const push = (kind, text) => {
    const last = runs[runs.length - 1];
    if (last?.kind === kind) {
      last.text += text;
    } else {
      runs.push({ kind, text });
    }
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]);
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      push('del', a[i++]);
    } else {
      push('ins', b[j++]);
    }
  }
  while (i < a.length) {
    push('del', a[i++]);
  }
  while (j < b.length) {
    push('ins', b[j++]);
  }
  return runs;
}

/** Whether a correction says the same as the answer once white space is evened out (the service would refuse it). */
export function unchanged(before, after) {
  const even = (text) => text.trim().replace(/\s+/g, ' ');
  return even(before) === even(after);
}
