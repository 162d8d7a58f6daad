// DOM builders. Everything that came from the API is inserted as text nodes or attribute values,
// never parsed as markup: queries and bot answers are untrusted input.

/** createElement with props; string children become text nodes. */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child);
    }
  }
  return node;
}

export const humanize = (code) => String(code ?? '').replaceAll('_', ' ');

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const moneyFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export const clock = (iso) => timeFormat.format(new Date(iso));

export function confidence(value) {
  return typeof value === 'number' ? value.toFixed(2) : '–';
}

/** "in 3 h 5 min" or "4 min ago", for due times and leases that a reviewer reads at a glance. */
export function relative(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const minutes = Math.round(Math.abs(ms) / 60000);
  let span;
  if (minutes < 1) {
    span = 'under a minute';
  } else if (minutes < 60) {
    span = `${minutes} min`;
  } else if (minutes < 48 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    span = rest ? `${hours} h ${rest} min` : `${hours} h`;
  } else {
    span = `${Math.round(minutes / 1440)} days`;
  }
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

export const isPast = (iso, now = Date.now()) => new Date(iso).getTime() <= now;

/**
 * A due time that app.js keeps current on every refresh tick via data-due. `labelled` is for places where
 * a "Due" caption already stands beside it.
 */
export function dueTime(iso, { labelled = false } = {}) {
  const node = h('time', {
    datetime: iso,
    title: dateTimeFormat.format(new Date(iso)),
    dataset: { due: iso, labelled: labelled ? 'yes' : 'no' },
  });
  updateDue(node);
  return node;
}

export function updateDue(node, now = Date.now()) {
  const iso = node.dataset.due;
  const overdue = isPast(iso, now);
  const when = relative(iso, now);
  if (node.dataset.labelled === 'yes') {
    node.textContent = overdue ? `overdue (${when})` : when;
  } else {
    node.textContent = overdue ? `overdue, was due ${when}` : `due ${when}`;
  }
  node.classList.toggle('overdue', overdue);
}

export function priorityBadge(priority) {
  return h('span', { class: `badge priority-${priority}` }, priority);
}

export function queueItem(item, { canClaim, onClaim }) {
  const triggers = item.triggers.map((t) => h('li', { title: t.detail ?? '' }, humanize(t.code)));
  return h('li', { class: 'queue-item', dataset: { id: item.id } },
    h('div', { class: 'queue-item-top' },
      priorityBadge(item.priority),
      h('span', { class: 'product' }, item.productId),
      h('span', { class: 'confidence', title: 'Model confidence, 0 to 1' }, `confidence ${confidence(item.confidence)}`)),
    h('p', { class: 'queue-query' }, item.query),
    h('ul', { class: 'chips', 'aria-label': 'Triggers' }, triggers),
    h('div', { class: 'queue-item-bottom' },
      dueTime(item.dueBy),
      h('button', {
        type: 'button',
        class: 'small',
        'aria-label': `Claim review ${item.id}`,
        dataset: { claim: item.id },
        disabled: !canClaim,
        onclick: () => onClaim(item.id),
      }, 'Claim')));
}

/** Term/description pairs, skipping terms without a value. */
export function facts(pairs) {
  const nodes = [];
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === '') {
      continue;
    }
    nodes.push(h('div', {}, h('dt', {}, term), h('dd', {}, value)));
  }
  return nodes;
}

/** What decided the routing, read at a glance above the answer. */
export function reviewFacts(item) {
  const committee = Object.entries(item.committeeScores ?? {});
  return facts([
    ['Priority', priorityBadge(item.priority)],
    ['Product', item.productId],
    ['Confidence', confidence(item.confidence)],
    ['Sentiment', typeof item.sentiment === 'number' ? item.sentiment.toFixed(2) : null],
    ['Committee', committee.length ? committee.map(([model, score]) => `${model} ${confidence(score)}`).join(' · ') : null],
    ['Escalation', item.escalationRequested ? 'asked for by the user' : null],
    ['Learning value', confidence(item.learningValue)],
    ['Due', dueTime(item.dueBy, { labelled: true })],
  ]);
}

export function accountFacts(context, item = {}) {
  const account = context.account ?? {};
  const nodes = facts([
    ['Model version', item.modelVersion],
    ['Conversation', item.conversationId],
    ['Account', account.accountId],
    ['Tier', account.tier],
    ['Value', typeof account.value === 'number' ? moneyFormat.format(account.value) : null],
    ['Stage', context.stage],
    ['Category', context.category],
  ]);
  return nodes.length ? nodes : [h('div', { class: 'none' }, 'No account or conversation attributes.')];
}

export function triggerList(triggers) {
  if (!triggers.length) {
    return [h('li', { class: 'none' }, 'No trigger recorded.')];
  }
  return triggers.map((t) => h('li', {},
    h('span', { class: 'trigger-code' }, humanize(t.code)),
    priorityBadge(t.priority),
    t.detail ? h('span', { class: 'trigger-detail' }, t.detail) : null));
}

export function turnList(turns) {
  if (!turns.length) {
    return [h('li', { class: 'none' }, 'This was the first message of the conversation.')];
  }
  return turns.map((turn) => h('li', { class: `turn ${turn.role === 'user' ? 'user' : 'bot'}` },
    h('span', { class: 'turn-role' }, turn.role === 'user' ? 'Customer' : turn.role === 'assistant' ? 'Bot' : turn.role),
    h('span', { class: 'turn-text' }, turn.text)));
}

export function sourceList(sources) {
  if (!sources.length) {
    return [h('li', { class: 'none' }, 'The bot retrieved no sources.')];
  }
  return sources.map((source) => h('li', {},
    h('span', { class: 'source-title' }, source.title || source.id),
    source.title ? h('code', { class: 'source-id' }, source.id) : null,
    source.snippet ? h('p', { class: 'source-snippet' }, source.snippet) : null));
}
