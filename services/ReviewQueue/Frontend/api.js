// Talks to the ReviewQueue HTTP API. The reviewer is whoever the bearer token belongs to; nothing here
// names the reviewer in a request body.

const tokenKey = 'hitlloop.reviewerToken';

// Resolved against the page, so the API is found under whatever path prefix the service is hosted at.
const apiRoot = new URL('../api/', document.baseURI);

// Feedback's and PatternLearner's APIs share the page's origin in the embedded default; a deployment that serves
// them apart names their addresses in config.json (ReviewQueue:Frontend), and they allow this page's origin.
const config = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store', credentials: 'omit' })
  .then((response) => (response.ok ? response.json() : {}))
  .catch(() => ({}));
const feedbackRoot = config.feedbackUrl ? new URL('api/', config.feedbackUrl) : apiRoot;
const patternsRoot = config.patternLearnerUrl ? new URL('api/', config.patternLearnerUrl) : apiRoot;

export class UnauthorizedError extends Error {
  constructor() {
    super('Unknown token');
    this.name = 'UnauthorizedError';
  }
}

/** A non-success answer; `problem` is the RFC 7807 body when the service sent one. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The service answered ${status}.`);
    this.name = 'ProblemError';
    this.status = status;
    this.problem = problem ?? {};
  }
}

/** A 403: the token is valid, but its roles do not allow this. */
export class ForbiddenError extends ProblemError {
  constructor(problem) {
    super(403, problem);
    this.name = 'ForbiddenError';
    this.message = `Your token is not allowed to do this. ${problem?.detail ?? ''}`.trim();
  }
}

/** The service could not be reached at all (stopped, restarting, network gone). */
export class OfflineError extends Error {
  constructor(cause) {
    super('The review service cannot be reached. It will be tried again shortly.');
    this.name = 'OfflineError';
    this.cause = cause;
  }
}

export const token = {
  get: () => sessionStorage.getItem(tokenKey),
  set: (value) => sessionStorage.setItem(tokenKey, value),
  clear: () => sessionStorage.removeItem(tokenKey),
};

async function call(method, path, body, root = apiRoot) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const bearer = token.get();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(new URL(path, root), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    throw new OfflineError(error);
  }

  if (response.status === 401) {
    throw new UnauthorizedError();
  }
  if (response.status === 204) {
    return null;
  }

  const data = await readJson(response);
  if (response.status === 403) {
    throw new ForbiddenError(data);
  }
  if (!response.ok) {
    throw new ProblemError(response.status, data);
  }
  return data;
}

async function readJson(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) {
    return null;
  }
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * Listens to the live queue (server-sent events) until `signal` aborts, calling `onEvent(name, data)` for each.
 * EventSource cannot send a bearer token, so the stream is read through fetch. Resolves when the stream ends.
 */
export async function listen(onEvent, signal) {
  const response = await fetch(new URL('queue/events', apiRoot), {
    headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token.get()}` },
    cache: 'no-store',
    credentials: 'omit',
    signal,
  });
  if (response.status === 401) {
    throw new UnauthorizedError();
  }
  if (!response.ok || !response.body) {
    throw new ProblemError(response.status, await readJson(response));
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) {
          name = line.slice(6).trim();
        } else if (line.startsWith('data:')) {
          data.push(line.slice(5).trimStart());
        }
      }
      try {
        onEvent(name, data.length ? JSON.parse(data.join('\n')) : null);
      } catch {
        // A malformed event is skipped; the next counts event brings the page back in line.
      }
    }
  }
}

const item = (id) => `reviews/${encodeURIComponent(id)}`;

export const api = {
  me: () => call('GET', 'reviewers/me'),
  pending: async () => (await call('GET', 'reviews?status=pending&limit=200')).items,
  held: () => call('GET', 'reviewers/me/reviews'),
  claimNext: () => call('POST', 'reviews/claim'),
  claim: (id) => call('POST', `${item(id)}/claim`),
  release: (id) => call('POST', `${item(id)}/release`),
  extend: (id) => call('POST', `${item(id)}/extend`),
  skip: (id, reason) => call('POST', `${item(id)}/skip`, { reason }),
  submit: (id, submission) => call('POST', `${item(id)}/submit`, submission),
  queueStats: () => call('GET', 'queue/stats'),
  reviewers: async () => (await call('GET', 'reviewers?limit=100')).items,
  saveReviewer: (id, change) => call('PUT', `reviewers/${encodeURIComponent(id)}`, change),
  setReviewerActive: (id, active) => call('POST', `reviewers/${encodeURIComponent(id)}/${active ? 'activate' : 'deactivate'}`),
  metricsSeries: (days) => call('GET', `feedback/metrics/series?bucket=day&count=${days}`, undefined, feedbackRoot),
  review: (id) => call('GET', item(id)),
  disputed: () => call('GET', 'feedback/items/disputed?limit=20', undefined, feedbackRoot),
  adjudicate: (responseId, decision) => call('POST', `feedback/items/${encodeURIComponent(responseId)}/adjudication`, decision, feedbackRoot),
  patterns: () => call('GET', 'patterns', undefined, patternsRoot),
  approveRule: (patternId) => call('POST', `patterns/${encodeURIComponent(patternId)}/approve`, undefined, patternsRoot),
  retireRule: (patternId) => call('POST', `patterns/${encodeURIComponent(patternId)}/retire`, undefined, patternsRoot),
};
