import { api, listen, token, UnauthorizedError, ForbiddenError } from './api.js';
import { h, clock } from './render.js';

// The lead's view: queue health and reviewers from ReviewQueue, the loop's metrics from Feedback, live from the queue's stream.
const days = 14;
const reconnectAfterMs = 3000;
const svgNs = 'http://www.w3.org/2000/svg';

// The headline metrics, drawn against their targets; shares in 0..1.
const charts = [
  { metric: 'review_rate', title: 'Review rate', better: 'lower' },
  { metric: 'correction_rate', title: 'Correction rate', better: 'lower' },
  { metric: 'same_mistake_rate', title: 'Same-mistake rate', better: 'lower' },
  { metric: 'reviewer_agreement', title: 'Reviewer agreement', better: 'higher' },
  { metric: 'positive_feedback_rate', title: 'Positive end-user feedback', better: 'higher' },
  { metric: 'review_time_p50', title: 'Time to review (median)', better: 'lower', unit: 'seconds' },
];

const seconds = (value) => (value < 120 ? `${Math.round(value)} s` : `${Number((value / 60).toFixed(1))} min`);

const $ = (id) => document.getElementById(id);
const percent = (value) => `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;

function say(message) {
  $('lead-status').textContent = message;
}

const stat = ([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, String(value ?? 0)));
const list = (text) => text.split(',').map((entry) => entry.trim()).filter(Boolean);
/** A refused change in words: the fields the service named, else its message. */
const problemText = (error) => (error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : error.message);

async function loadQueue() {
  const stats = await api.queueStats();
  $('queue-health').replaceChildren(...[
    ['Pending', stats.pending],
    ['Being reviewed', stats.claimed],
    ['Past due (SLA breached)', stats.overdue],
    ['Completed', stats.completed],
  ].map(stat));
  const open = stats.open ?? {};
  $('queue-depth').replaceChildren(...[['Urgent', open.urgent], ['High', open.high], ['Medium', open.medium], ['Low', open.low]].map(stat));
  $('queue-health-updated').textContent = `Updated ${clock(new Date().toISOString())}; changes appear as they happen.`;
}

function specializations(s = {}) {
  const parts = [
    ...(s.categories ?? []),
    ...(s.products ?? []).map((p) => `product ${p}`),
    ...(s.languages ?? []).map((l) => `language ${l}`),
  ];
  return parts.length ? parts.join(', ') : 'anything';
}

async function loadReviewers() {
  const reviewers = await api.reviewers();
  $('reviewer-rows').replaceChildren(...(reviewers.length
    ? reviewers.map((r) => h('tr', { 'data-reviewer': r.id },
      h('th', { scope: 'row' }, r.name || r.id),
      h('td', {}, String(r.reviewsCompleted ?? 0)),
      h('td', {}, typeof r.medianReviewSeconds === 'number' ? `${Math.round(r.medianReviewSeconds)} s` : '–'),
      h('td', {}, typeof r.agreement === 'number' ? `${percent(r.agreement)} of ${r.agreementItems}` : 'not measured'),
      h('td', {}, specializations(r.specializations)),
      h('td', {}, r.deactivated ? 'deactivated' : String(r.availability ?? 'available').toLowerCase()),
      h('td', { class: 'actions' },
        h('button', { type: 'button', 'aria-label': `Edit ${r.name || r.id}`, onclick: () => editReviewer(r) }, 'Edit'),
        h('button', {
          type: 'button',
          'aria-label': `${r.deactivated ? 'Activate' : 'Deactivate'} ${r.name || r.id}`,
          onclick: () => setActive(r, r.deactivated),
        }, r.deactivated ? 'Activate' : 'Deactivate'))))
    : [h('tr', {}, h('td', { colspan: 7 }, 'No reviewer has signed in yet.'))]));
}

function editReviewer(r) {
  $('reviewer-id').value = r.id;
  $('reviewer-name').value = r.name ?? '';
  $('reviewer-categories').value = (r.specializations?.categories ?? []).join(', ');
  $('reviewer-products').value = (r.specializations?.products ?? []).join(', ');
  $('reviewer-languages').value = (r.specializations?.languages ?? []).join(', ');
  $('reviewer-name').focus();
}

async function setActive(r, active) {
  try {
    await api.setReviewerActive(r.id, active);
    $('reviewer-status').textContent = `${r.name || r.id} is ${active ? 'active again' : 'deactivated: no new reviews go to them'}.`;
    await loadReviewers();
  } catch (error) {
    $('reviewer-status').textContent = problemText(error);
  }
}

async function saveReviewer(event) {
  event.preventDefault();
  const id = $('reviewer-id').value.trim();
  if (!id) {
    $('reviewer-status').textContent = 'Give the reviewer id: the subject their token carries.';
    $('reviewer-id').focus();
    return;
  }
  const name = $('reviewer-name').value.trim();
  const change = {
    name: name || undefined,
    specializations: {
      categories: list($('reviewer-categories').value),
      products: list($('reviewer-products').value),
      languages: list($('reviewer-languages').value),
    },
  };
  try {
    const saved = await api.saveReviewer(id, change);
    $('reviewer-status').textContent = `Saved ${saved.name || saved.id}: ${specializations(saved.specializations)}.`;
    $('reviewer-form').reset();
    await loadReviewers();
  } catch (error) {
    $('reviewer-status').textContent = problemText(error);
  }
}


/** Rules the bots are served, newest version first: what each says, where it came from, and whether a lead approved it. */
async function loadRules() {
  const patterns = (await api.patterns()).filter((p) => p.ruleVersion > 0);
  if (!patterns.length) {
    $('rules-list').replaceChildren(h('p', { class: 'queue-empty' }, 'No rule has been learned yet: rules come from three similar corrections.'));
    return;
  }
  $('rules-list').replaceChildren(...patterns.map((p) => {
    const approved = p.approvedVersion === p.ruleVersion;
    const headingId = `rule-${p.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const status = p.retired
      ? `Retired by ${p.retiredBy ?? 'a lead'}; no longer served.`
      : `${approved ? `Approved by ${p.approvedBy}` : 'Not approved yet'}${p.working === false ? '; its mistake keeps recurring' : ''}.`;
    const rule = p.rule ?? {};
    return h('article', { class: `rule${p.retired ? ' retired' : ''}`, 'aria-labelledby': headingId, 'data-pattern': p.id },
      h('h3', { id: headingId }, `${p.patternType.replaceAll('_', ' ')} · ${p.category ?? 'any category'} · ${p.productId}`),
      h('dl', { class: 'rule-text' },
        ...[['When', rule.when], ['Instead of', rule.insteadOf], ['Do', rule.do], ['Why', rule.reason]]
          .map(([term, text]) => h('div', {}, h('dt', {}, term), h('dd', {}, text ?? '–')))),
      h('p', { class: 'rule-meta' }, `Version ${p.ruleVersion} from ${p.ruleExampleCount ?? p.exampleCount} corrections, worded by ${p.ruleSource}. ${status}`),
      p.retired ? null : h('div', { class: 'actions' },
        approved ? null : h('button', { type: 'button', class: 'primary', 'aria-label': `Approve rule ${headingText(p)}`, onclick: () => changeRule(p, 'approve') }, 'Approve'),
        h('button', { type: 'button', 'aria-label': `Retire rule ${headingText(p)}`, onclick: () => changeRule(p, 'retire') }, 'Retire')));
  }));
}

const headingText = (p) => `${p.patternType.replaceAll('_', ' ')} in ${p.category ?? 'any category'} for ${p.productId}`;

async function changeRule(p, action) {
  try {
    await (action === 'approve' ? api.approveRule(p.id) : api.retireRule(p.id));
    $('rules-status').textContent = `${action === 'approve' ? 'Approved' : 'Retired'} the rule on ${headingText(p)}.`;
    await loadRules();
  } catch (error) {
    $('rules-status').textContent = problemText(error);
  }
}

/** Each disputed item with its reviews side by side, the verdicts that differ marked, and a form to decide it. */
async function loadDisputed() {
  const disputed = await api.disputed();
  if (!disputed.length) {
    $('disputed-list').replaceChildren(h('p', { class: 'queue-empty' }, 'No disagreement waits for a decision.'));
    return;
  }
  const cards = await Promise.all(disputed.map(async (entry) => {
    const item = await api.review(entry.id).catch(() => null);
    const reviews = item?.reviews ?? [];
    const verdicts = new Set(reviews.map((r) => r.verdict));
    const headingId = `disputed-${entry.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const edited = reviews.find((r) => r.correctedText);
    const form = h('form', { class: 'adjudicate', 'aria-label': `Decide ${entry.id}` },
      h('fieldset', {},
        h('legend', {}, 'Your decision'),
        ...['approved', 'edited', 'rejected'].map((verdict) => h('label', { class: 'choice' },
          h('input', { type: 'radio', name: 'verdict', value: verdict, required: true }), ` ${verdict}`))),
      h('label', { for: `${headingId}-text` }, 'Corrected answer (for an edit)'),
      h('textarea', { id: `${headingId}-text`, name: 'correctedText', rows: 3 }, edited?.correctedText ?? ''),
      h('button', { type: 'submit', class: 'primary' }, 'Decide'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const verdict = form.elements.namedItem('verdict').value;
      const decision = { verdict, correctedText: verdict === 'edited' ? form.elements.namedItem('correctedText').value : null };
      try {
        await api.adjudicate(entry.id, decision);
        $('disputed-status').textContent = `Decided ${entry.id}: ${verdict}.`;
        await loadDisputed();
      } catch (error) {
        $('disputed-status').textContent = problemText(error);
      }
    });
    return h('article', { class: 'disputed', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, entry.id),
      item ? h('p', {}, h('strong', {}, 'Asked: '), item.query) : null,
      item ? h('p', {}, h('strong', {}, 'Bot: '), item.response) : null,
      h('div', { class: 'side-by-side' }, ...reviews.map((review) => h('section', { class: `peer${verdicts.size > 1 ? ' differs' : ''}`, 'aria-label': `Review by ${review.reviewerId}` },
        h('p', {}, h('strong', {}, review.reviewerId), ` ${review.verdict}`),
        review.correctedText ? h('p', { class: 'peer-text' }, review.correctedText) : null))),
      form);
  }));
  $('disputed-list').replaceChildren(...cards);
}

async function loadLoop() {
  const series = await api.metricsSeries(days);
  $('loop-charts').replaceChildren(...charts.map((chart) => drawChart(chart, series)));
}

/** One metric's days as an SVG line against its target, with its latest value and trend in words. */
function drawChart({ metric, title, better, unit }, series) {
  const format = unit === 'seconds' ? seconds : percent;
  const points = series.buckets.map((bucket) => ({ day: bucket.start, reading: bucket.metrics.find((m) => m.metric === metric) }));
  const target = points.find((p) => p.reading)?.reading?.limit ?? 0;
  const trend = series.trends.find((t) => t.metric === metric);
  const values = points.map((p) => p.reading?.value).filter((v) => typeof v === 'number');
  const top = Math.max(target * 1.5, ...values, 0.01);
  const [width, height, pad] = [320, 120, 8];
  const x = (i) => pad + (i * (width - 2 * pad)) / Math.max(points.length - 1, 1);
  const y = (v) => height - pad - (v / top) * (height - 2 * pad);

  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  const latest = trend?.latest;
  const summary = typeof latest === 'number'
    ? `${title}: latest ${format(latest)} against a target ${better === 'lower' ? 'under' : 'over'} ${format(target)}; ${trend.trend}${trend.breached ? '; breached' : ''}.`
    : `${title}: nothing measured in the last ${days} days.`;
  svg.setAttribute('aria-label', summary);

  const line = (x1, y1, x2, y2, cls) => {
    const node = document.createElementNS(svgNs, 'line');
    Object.entries({ x1, y1, x2, y2, class: cls }).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  };
  svg.append(line(pad, y(target), width - pad, y(target), 'target'));

  // Consecutive measured days are joined; a day without a value breaks the line.
  let path = '';
  points.forEach((p, i) => {
    const value = p.reading?.value;
    if (typeof value !== 'number') {
      return;
    }
    const joined = i > 0 && typeof points[i - 1].reading?.value === 'number';
    path += `${joined ? 'L' : 'M'}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
    const dot = document.createElementNS(svgNs, 'circle');
    Object.entries({ cx: x(i), cy: y(value), r: 3, class: p.reading.breached ? 'point breached' : 'point' }).forEach(([k, v]) => dot.setAttribute(k, v));
    const tip = document.createElementNS(svgNs, 'title');
    tip.textContent = `${p.day}: ${format(value)} on ${p.reading.samples}`;
    dot.append(tip);
    svg.append(dot);
  });
  if (path) {
    const trace = document.createElementNS(svgNs, 'path');
    trace.setAttribute('d', path.trim());
    trace.setAttribute('class', 'series');
    svg.prepend(trace);
  }

  return h('figure', { class: `chart-card${trend?.breached ? ' breached' : ''}`, 'data-metric': metric },
    h('figcaption', {},
      h('span', { class: 'chart-title' }, title),
      h('span', { class: 'chart-value' }, typeof latest === 'number' ? format(latest) : '–'),
      h('span', { class: 'chart-target' }, `target ${better === 'lower' ? '<' : '>'} ${format(target)}${trend ? ` · ${trend.trend}` : ''}`)),
    svg);
}

async function refresh(parts) {
  try {
    await Promise.all(parts.map((load) => load()));
    say('');
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      token.clear();
      say('Your token is no longer accepted: sign in again on the reviewing page.');
    } else if (error instanceof ForbiddenError) {
      say('This view is for leads: your token does not have the lead or admin role.');
    } else {
      say(error.message);
    }
  }
}

function follow() {
  const stream = new AbortController();
  listen(() => refresh([loadQueue, loadReviewers]), stream.signal)
    .catch(() => {})
    .finally(() => window.setTimeout(follow, reconnectAfterMs));
}

async function start() {
  if (!token.get()) {
    say('Sign in on the reviewing page first; this view uses the same token.');
    return;
  }
  try {
    const me = await api.me();
    $('lead-name').textContent = `Signed in as ${me.name || me.id}`;
  } catch {
    // Reported by the first refresh below.
  }
  $('reviewer-form').addEventListener('submit', saveReviewer);
  await refresh([loadQueue, loadReviewers, loadLoop, loadDisputed, loadRules]);
  follow();
}

start();
