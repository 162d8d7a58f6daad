import { api, listen, token, UnauthorizedError, ForbiddenError, ProblemError, OfflineError } from './api.js';
import { wordDiff, unchanged } from './diff.js';
import {
  h, clock, relative, isPast, updateDue, queueItem, reviewFacts, accountFacts, triggerList, turnList, sourceList, humanize,
} from './render.js';

// The live stream says when the queue changed; the slow poll only covers a stream that is down.
const refreshEveryMs = 30000;
const reconnectAfterMs = 3000;
// While a review is open the page renews its lease, so a reviewer who is still writing keeps it.
const heartbeatEveryMs = 120000;
// Under a minute left, a reviewer who typed or clicked in the last two minutes gets the lease renewed at once.
const activeWithinMs = 120000;
const draftPrefix = 'hitl-review-draft:';
const pendingLimit = 200;

// The annotation labels the seed defines; Feedback and PatternLearner read them as they are spelled here.
const annotationLabels = [
  'too_formal', 'too_casual', 'too_long', 'too_short', 'off_topic',
  'factually_incorrect', 'missing_context', 'wrong_tone', 'good_example',
];

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  current: null,
  queueSignature: '',
  timer: 0,
  stream: null,
  counts: '',
  refreshing: false,
  refreshAgain: false,
  busy: false,
  countdown: 0,
  lastActivity: 0,
  extending: false,
};

// ---- sign-in ---------------------------------------------------------------------------------------------

function showSignIn(message = '') {
  stopRefreshing();
  state.me = null;
  state.current = null;
  state.queueSignature = '';
  $('workspace').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').setAttribute('aria-invalid', message ? 'true' : 'false');
  $('token').focus();
}

async function signIn(event) {
  event.preventDefault();
  const value = $('token').value.trim();
  if (!value) {
    showSignIn('Enter your reviewer token.');
    return;
  }
  token.set(value);
  await start();
}

async function start() {
  try {
    state.me = await api.me();
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      signedOut();
    } else if (error instanceof ForbiddenError) {
      // A real token, but not a reviewer's (a product's or the ML team's key, say): keeping it would fail on every reload.
      token.clear();
      showSignIn(`This token cannot review: it needs the reviewer, lead or admin role. ${error.problem.detail ?? ''}`.trim());
    } else {
      $('sign-in').hidden = false;
      $('sign-in-error').textContent = error.message;
    }
    return;
  }

  $('token').value = '';
  $('sign-in-error').textContent = '';
  $('sign-in').hidden = true;
  $('reviewer-name').textContent = state.me.name || state.me.id;
  $('lead-link').hidden = !(state.me.roles ?? []).some((role) => role === 'lead' || role === 'admin');
  renderMyStats();
  $('who').hidden = false;
  $('workspace').hidden = false;

  await guard(resumeHeldReview);
  await refreshQueue();
  startRefreshing();
  $('claim-next').focus();
}

/** A 401 anywhere: the token is wrong, or it was revoked while the page was open. */
function signedOut() {
  token.clear();
  showSignIn('Unknown token. Check it with your review lead and sign in again.');
}

function signOut() {
  token.clear();
  showSignIn();
  setNotice('');
}

// A reload, or a second tab, should bring back the review this reviewer already holds rather than strand it.
async function resumeHeldReview() {
  const held = await api.held();
  const mine = held[0];
  if (mine) {
    showReview(mine);
  } else {
    clearReview();
  }
}

// ---- queue -----------------------------------------------------------------------------------------------

function startRefreshing() {
  stopRefreshing();
  state.timer = window.setInterval(() => {
    if (!document.hidden) {
      refreshQueue();
    }
  }, refreshEveryMs);
  followQueue();
}

function stopRefreshing() {
  window.clearInterval(state.timer);
  state.timer = 0;
  state.stream?.abort();
  state.stream = null;
}

// Any change, or counts that moved (another replica's changes), refreshes the list.
function followQueue() {
  const stream = new AbortController();
  state.stream = stream;
  // A new connection may follow a gap: its first counts always bring the list up to date.
  state.counts = null;
  listen((name, data) => {
    if (name === 'counts') {
      const counts = JSON.stringify(data);
      if (counts === state.counts) {
        return;
      }
      state.counts = counts;
    }
    refreshQueue();
  }, stream.signal).catch((error) => {
    if (error instanceof UnauthorizedError) {
      signedOut();
    }
  }).finally(() => {
    if (state.stream === stream && !stream.signal.aborted) {
      window.setTimeout(() => state.stream === stream && followQueue(), reconnectAfterMs);
    }
  });
}

async function refreshQueue() {
  if (!state.me) {
    return;
  }
  if (state.refreshing) {
    // A change arrived mid-refresh: read the queue once more when this read is done.
    state.refreshAgain = true;
    return;
  }
  state.refreshing = true;
  try {
    const items = await api.pending();
    renderQueue(items);
    $('queue-updated').textContent = `Updated ${clock(new Date().toISOString())}; changes appear as they happen.`;
    if ($('queue-status').dataset.kind === 'offline') {
      setQueueStatus('');
    }
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      signedOut();
    } else {
      setQueueStatus(error.message, error instanceof OfflineError ? 'offline' : 'error');
    }
  } finally {
    state.refreshing = false;
  }
  tick();
  if (state.refreshAgain) {
    state.refreshAgain = false;
    refreshQueue();
  }
}

/** The reviewer's own figures, as the registry keeps them. */
function renderMyStats() {
  const me = state.me;
  if (!me) {
    return;
  }
  const parts = [`${me.reviewsCompleted ?? 0} review${me.reviewsCompleted === 1 ? '' : 's'}`];
  if (typeof me.medianReviewSeconds === 'number') {
    parts.push(`median ${Math.round(me.medianReviewSeconds)} s`);
  }
  if (typeof me.agreement === 'number') {
    parts.push(`agreement ${Math.round(me.agreement * 100)}%`);
  }
  $('my-stats').textContent = `· ${parts.join(' · ')}`;
}

async function refreshMe() {
  try {
    state.me = await api.me();
    renderMyStats();
  } catch {
    // The figures wait for the next refresh; a 401 shows on the next action.
  }
}

function renderQueue(items) {
  const canClaim = !state.current;
  const order = ['urgent', 'high', 'medium', 'low'];
  const byPriority = order
    .map((p) => [p, items.filter((i) => String(i.priority).toLowerCase() === p).length])
    .filter(([, n]) => n > 0);
  $('queue-priorities').textContent = byPriority.map(([p, n]) => `${n} ${p}`).join(' · ');
  const signature = JSON.stringify([canClaim, items.map((i) => [i.id, i.priority, i.dueBy])]);
  $('queue-count').textContent = items.length >= pendingLimit ? `${pendingLimit}+` : String(items.length);
  $('claim-next').disabled = !canClaim;
  $('claim-hint').hidden = canClaim;
  if (signature === state.queueSignature) {
    return;
  }
  state.queueSignature = signature;

  // Rebuilding the list would drop keyboard focus every few seconds; put it back on the same item's button.
  const focusedId = document.activeElement?.dataset?.claim;
  const list = $('queue-list');
  list.replaceChildren(...items.map((item) => queueItem(item, { canClaim, onClaim: claim })));
  if (!items.length) {
    list.append(h('li', { class: 'queue-empty' }, 'No reviews waiting. New ones appear here as the router sends them.'));
  }
  if (focusedId) {
    const again = [...list.querySelectorAll('button[data-claim]')].find((b) => b.dataset.claim === focusedId);
    (again ?? $('claim-next')).focus();
  }
}

const queueProblem = (message, error) => setQueueStatus(message, error instanceof OfflineError ? 'offline' : 'error');

function setQueueStatus(message, kind = 'info') {
  const status = $('queue-status');
  status.textContent = message;
  status.dataset.kind = message ? kind : '';
}

async function claimNext() {
  await guard(async () => {
    const item = await api.claimNext();
    if (!item) {
      setQueueStatus('The queue is empty: nothing to claim right now.');
      return;
    }
    setQueueStatus('');
    showReview(item);
  }, queueProblem);
  await refreshQueue();
}

async function claim(id) {
  await guard(async () => {
    showReview(await api.claim(id));
    setQueueStatus('');
  }, queueProblem);
  await refreshQueue();
}

// ---- the claimed review ----------------------------------------------------------------------------------

function showReview(item) {
  state.current = item;
  window.clearInterval(state.heartbeat);
  state.heartbeat = window.setInterval(extendLease, heartbeatEveryMs);
  $('skip').open = false;
  $('skip-reason').value = '';
  setNotice('');
  $('desk-empty').hidden = true;
  $('review').hidden = false;

  $('review-id').textContent = item.id;
  $('review-facts').replaceChildren(...reviewFacts(item));
  $('review-query').textContent = item.query;
  $('review-response').textContent = item.response;
  $('review-triggers').replaceChildren(...triggerList(item.triggers ?? []));
  $('review-account').replaceChildren(...accountFacts(item.context ?? {}, item));
  $('review-turns').replaceChildren(...turnList(item.context?.recentTurns ?? []));
  $('review-sources').replaceChildren(...sourceList(item.context?.retrievedSources ?? []));

  const form = $('verdict-form');
  form.reset();
  $('corrected-text').value = item.response;
  $('should-learn').checked = true;
  const restored = restoreDraft(item.id);
  syncEditBox();
  clearProblem();
  window.clearInterval(state.countdown);
  state.countdown = window.setInterval(tick, 1000);
  tick();
  if (restored) {
    setNotice(`Your draft of review ${item.id} is back as you left it.`);
  }
  $('review-title').focus();
}

// ---- drafts: kept in this browser until the review is submitted, skipped or released --------------------

function saveDraft() {
  const item = state.current;
  if (!item) {
    return;
  }
  const draft = collectSubmission();
  draft.correctedText = $('corrected-text').value;
  draft.ratings = Object.fromEntries(['overall', 'tone', 'relevance', 'clarity'].map((n) => [n, $(`rating-${n}`).value]));
  draft.categories = $('categories').value;
  draft.notes = $('notes').value;
  try {
    localStorage.setItem(draftPrefix + item.id, JSON.stringify(draft));
  } catch {
    // Storage off or full: the draft lives only in the form.
  }
}

function restoreDraft(id) {
  let draft;
  try {
    draft = JSON.parse(localStorage.getItem(draftPrefix + id) ?? 'null');
  } catch {
    return false;
  }
  if (!draft) {
    return false;
  }
  const form = $('verdict-form');
  for (const radio of form.querySelectorAll('input[name="verdict"]')) {
    radio.checked = radio.value === draft.verdict;
  }
  $('corrected-text').value = draft.correctedText ?? $('corrected-text').value;
  for (const [name, value] of Object.entries(draft.ratings ?? {})) {
    $(`rating-${name}`).value = value;
  }
  for (const box of document.querySelectorAll('#label-grid input')) {
    box.checked = (draft.labels ?? []).includes(box.value);
  }
  $('categories').value = draft.categories ?? '';
  $('severity').value = draft.severity ?? '';
  $('notes').value = draft.notes ?? '';
  $('should-learn').checked = draft.shouldLearn !== false;
  return true;
}

function dropDraft(id) {
  try {
    localStorage.removeItem(draftPrefix + id);
  } catch {
    // Nothing was kept.
  }
}

function clearReview() {
  if (state.current) {
    dropDraft(state.current.id);
  }
  state.current = null;
  window.clearInterval(state.heartbeat);
  window.clearInterval(state.countdown);
  state.heartbeat = 0;
  state.countdown = 0;
  $('review').hidden = true;
  $('desk-empty').hidden = false;
  clearProblem();
}

function syncEditBox() {
  const editing = selectedVerdict() === 'edited';
  $('edit-box').hidden = !editing;
  renderDiff();
}

/** The live word diff under the edit box, and the guard against an edit that changes nothing. */
function renderDiff() {
  const item = state.current;
  const editing = selectedVerdict() === 'edited';
  const text = $('corrected-text').value;
  const same = Boolean(item) && editing && unchanged(item.response, text);
  $('edit-unchanged').hidden = !same;
  $('corrected-text').toggleAttribute('aria-invalid', same);
  $('submit-review').disabled = same;
  if (!item || !editing) {
    return;
  }
  const runs = wordDiff(item.response, text);
  $('edit-diff').replaceChildren(...(runs === null
    ? [h('span', {}, 'Too long to compare word by word.')]
    : runs.map((run) => (run.kind === 'same' ? document.createTextNode(run.text) : h(run.kind, {}, run.text)))));
}

function selectedVerdict() {
  return $('verdict-form').elements.namedItem('verdict').value || null;
}

function collectSubmission() {
  const verdict = selectedVerdict();
  const submission = { verdict, shouldLearn: $('should-learn').checked };
  if (verdict === 'edited') {
    submission.correctedText = $('corrected-text').value;
  }

  const ratings = {};
  for (const name of ['overall', 'tone', 'relevance', 'clarity']) {
    const value = $(`rating-${name}`).value;
    if (value) {
      ratings[name] = Number(value);
    }
  }
  if (Object.keys(ratings).length) {
    submission.ratings = ratings;
  }

  const labels = [...document.querySelectorAll('#label-grid input:checked')].map((box) => box.value);
  if (labels.length) {
    submission.labels = labels;
  }

  const categories = [...new Set($('categories').value.split(',').map((c) => c.trim()).filter(Boolean))];
  if (categories.length) {
    submission.categories = categories;
  }

  const severity = $('severity').value;
  if (severity) {
    submission.severity = severity;
  }

  const notes = $('notes').value.trim();
  if (notes) {
    submission.notes = notes;
  }
  return submission;
}

async function submitReview(event) {
  event.preventDefault();
  const item = state.current;
  if (!item || state.busy) {
    return;
  }
  clearProblem();
  const submission = collectSubmission();
  if (submission.verdict === 'edited' && unchanged(item.response, submission.correctedText)) {
    renderDiff();
    $('corrected-text').focus();
    return;
  }
  const done = await guard(() => api.submit(item.id, submission), showProblem);
  if (!done) {
    return;
  }
  clearReview();
  setNotice(`Submitted review ${item.id}: ${humanize(done.result?.verdict ?? submission.verdict)}. Thank you.`);
  await Promise.all([refreshQueue(), refreshMe()]);
  $('claim-next').focus();
}

async function releaseReview() {
  const item = state.current;
  if (!item || state.busy) {
    return;
  }
  clearProblem();
  let gone = '';
  const released = await guard(() => api.release(item.id), (message, error) => {
    if (error instanceof ProblemError && (error.status === 404 || error.status === 409)) {
      gone = message;
    } else {
      showProblem(message, error);
    }
  });
  if (!released && !gone) {
    return;
  }
  // Releasing something no longer held is still the reviewer saying "I am done with this one".
  clearReview();
  setNotice(released ? `Released review ${item.id} back to the queue.` : `${gone} It was closed here.`);
  await refreshQueue();
  $('claim-next').focus();
}

async function extendLease() {
  const item = state.current;
  if (!item || document.hidden) {
    return;
  }
  try {
    const extended = await api.extend(item.id);
    if (state.current?.id === item.id) {
      state.current = extended;
      $('review-facts').replaceChildren(...reviewFacts(extended));
      tick();
    }
  } catch {
    // A lease that cannot be renewed shows as running out; the reviewer can claim it again from there.
  }
}

async function skipReview() {
  const item = state.current;
  if (!item || state.busy) {
    return;
  }
  clearProblem();
  const reason = $('skip-reason').value.trim();
  if (!reason) {
    showProblem('Say why you skip this review.', null);
    $('skip-reason').focus();
    return;
  }
  const skipped = await guard(() => api.skip(item.id, reason), showProblem);
  if (!skipped) {
    return;
  }
  clearReview();
  setNotice(`Skipped review ${item.id}; it goes to another reviewer.`);
  await refreshQueue();
  $('claim-next').focus();
}

// A lease can run out while a reviewer is still writing; claiming again keeps what is in the form.
async function reclaim() {
  const item = state.current;
  if (!item || state.busy) {
    return;
  }
  const claimed = await guard(() => api.claim(item.id), showProblem);
  if (!claimed) {
    return;
  }
  state.current = claimed;
  $('review-facts').replaceChildren(...reviewFacts(claimed));
  clearProblem();
  tick();
  setNotice(`Review ${item.id} is yours again; your edits are kept.`);
  $('submit-review').focus();
}

function setNotice(message) {
  $('notice').textContent = message;
}

// ---- problems --------------------------------------------------------------------------------------------

function clearProblem() {
  $('problem').hidden = true;
  $('reclaim').hidden = true;
  $('problem-title').textContent = '';
  $('problem-list').replaceChildren();
  for (const node of document.querySelectorAll('#verdict-form .field-error')) {
    node.textContent = '';
  }
  for (const node of document.querySelectorAll('#verdict-form [aria-invalid]')) {
    node.removeAttribute('aria-invalid');
  }
}

/** Problem details beside the form: the title or detail, then each field the service named. */
function showProblem(message, error) {
  const problem = error instanceof ProblemError ? error.problem : {};
  const fieldErrors = Object.entries(problem.errors ?? {});
  $('problem-title').textContent = fieldErrors.length
    ? 'The review was not accepted. Please fix:'
    : (problem.detail || problem.title || message);
  $('problem-list').replaceChildren(...fieldErrors.map(([field, messages]) => h('li', {}, [messages].flat().join(' '))));
  $('reclaim').hidden = !(error instanceof ProblemError && error.status === 409 && state.current);
  $('problem').hidden = false;

  for (const [field, messages] of fieldErrors) {
    const slot = document.getElementById(`error-${field}`);
    if (slot) {
      slot.textContent = [messages].flat().join(' ');
    }
    const control = controlFor(field);
    control?.setAttribute('aria-invalid', 'true');
  }
}

function controlFor(field) {
  if (field === 'verdict') {
    return $('field-verdict');
  }
  if (field === 'correctedText') {
    return $('corrected-text');
  }
  if (field.startsWith('ratings.')) {
    return $(`rating-${field.slice('ratings.'.length)}`);
  }
  return null;
}

/**
 * Runs an API action with the page's shared error handling: 401 signs out, anything else goes to
 * `report(message, error)`. Returns the action's result, or undefined when it failed.
 */
async function guard(action, report = queueProblem) {
  state.busy = true;
  document.body.classList.add('busy');
  try {
    return await action();
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      signedOut();
    } else if (error instanceof ProblemError || error instanceof OfflineError) {
      report(error.message, error);
    } else {
      report('Something went wrong in the page; reload it to continue.', error);
      console.error(error);
    }
    return undefined;
  } finally {
    state.busy = false;
    document.body.classList.remove('busy');
  }
}

// ---- clock -----------------------------------------------------------------------------------------------

/** Relative times drift while the page sits open; refresh them without rebuilding anything. */
function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll('time[data-due]')) {
    updateDue(node, now);
  }
  const lease = $('review-lease');
  const expires = state.current?.leaseExpiresAt;
  if (!expires) {
    lease.textContent = '';
    return;
  }
  const left = Math.ceil((Date.parse(expires) - now) / 1000);
  const expired = left <= 0;
  if (expired) {
    lease.textContent = `Your claim expired ${relative(expires, now)}; someone else may take this review.`;
  } else if (left < 60) {
    lease.textContent = `Held for you: ${left} s left.`;
  } else {
    lease.textContent = `Held for you until ${clock(expires)} (${relative(expires, now)}).`;
  }
  lease.classList.toggle('expired', expired);
  lease.classList.toggle('ending', !expired && left < 60);
  if (!expired && left < 60 && now - state.lastActivity < activeWithinMs && !state.extending) {
    // The reviewer is working: renew now rather than let the claim lapse under them.
    state.extending = true;
    extendLease().finally(() => { state.extending = false; });
  }
}

// ---- keyboard ----------------------------------------------------------------------------------------------

function toggleHelp(open = $('help').hidden) {
  $('help').hidden = !open;
  $('show-help').setAttribute('aria-expanded', String(open));
  (open ? $('close-help') : (state.current ? $('review-title') : $('claim-next'))).focus();
}

function chooseVerdict(verdict) {
  const radio = $('verdict-form').querySelector(`input[name="verdict"][value="${verdict}"]`);
  radio.checked = true;
  syncEditBox();
  saveDraft();
  if (verdict === 'edited') {
    const box = $('corrected-text');
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  } else {
    radio.focus();
  }
}

/** A / E / R choose the verdict, Ctrl+Enter submits, S skips, N claims the next review, ? shows the help. */
function onKey(event) {
  if (event.key === 'Escape' && !$('help').hidden) {
    event.preventDefault();
    toggleHelp(false);
    return;
  }
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    if (state.current) {
      event.preventDefault();
      $('verdict-form').requestSubmit();
    }
    return;
  }
  const target = event.target;
  const typing = target instanceof HTMLElement
    && (target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName)
      || (target.tagName === 'INPUT' && !['radio', 'checkbox', 'button', 'submit'].includes(target.type)));
  if (typing || event.ctrlKey || event.metaKey || event.altKey || !state.me) {
    return;
  }
  const key = event.key.toLowerCase();
  if (event.key === '?') {
    event.preventDefault();
    toggleHelp();
  } else if (key === 'n' && !state.current) {
    event.preventDefault();
    claimNext();
  } else if (state.current && ['a', 'e', 'r'].includes(key)) {
    event.preventDefault();
    chooseVerdict({ a: 'approved', e: 'edited', r: 'rejected' }[key]);
  } else if (state.current && key === 's') {
    event.preventDefault();
    $('skip').open = true;
    $('skip-reason').focus();
  }
}

// ---- wiring ----------------------------------------------------------------------------------------------

function buildForm() {
  for (const name of ['overall', 'tone', 'relevance', 'clarity']) {
    $(`rating-${name}`).replaceChildren(
      h('option', { value: '' }, 'Not rated'),
      ...[1, 2, 3, 4, 5].map((n) => h('option', { value: n }, String(n))));
  }
  $('label-grid').replaceChildren(...annotationLabels.map((label) =>
    h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'labels', value: label }),
      ` ${humanize(label)}`)));
}

function wire() {
  buildForm();
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-in-submit').disabled = false;
  $('sign-out').addEventListener('click', signOut);
  $('claim-next').addEventListener('click', claimNext);
  $('refresh').addEventListener('click', () => {
    state.queueSignature = '';
    refreshQueue();
  });
  $('verdict-form').addEventListener('submit', submitReview);
  // Back online: the list and its status catch up at once instead of at the stream's next retry.
  window.addEventListener('online', () => state.me && refreshQueue());
  $('verdict-form').addEventListener('change', (event) => {
    if (event.target.name === 'verdict') {
      syncEditBox();
    }
    saveDraft();
  });
  $('verdict-form').addEventListener('input', (event) => {
    if (event.target.id === 'corrected-text') {
      renderDiff();
    }
    saveDraft();
  });
  document.addEventListener('keydown', onKey);
  for (const name of ['keydown', 'pointerdown', 'input']) {
    document.addEventListener(name, () => { state.lastActivity = Date.now(); }, { passive: true });
  }
  $('show-help').addEventListener('click', () => toggleHelp());
  $('close-help').addEventListener('click', () => toggleHelp(false));
  $('release').addEventListener('click', releaseReview);
  $('reclaim').addEventListener('click', reclaim);
  $('skip-review').addEventListener('click', skipReview);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.me) {
      refreshQueue();
    }
  });

  if (token.get()) {
    start();
  } else {
    showSignIn();
  }
}

wire();
