/** Shared pieces of the console's pages: markup with htm on Preact, polling, formatting, the confirm step. */
import htm from 'htm';
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from './api.js';
import type { Action, Prepared, QueueDepth } from './types.js';

export const html = htm.bind(h);

/** How often a page reads its data again: the pipeline keeps changing under it. */
export const REFRESH_MS = 2000;

/** Reads `path` now and every REFRESH_MS while the page shows; `reload` reads at once. */
export function usePolled<T>(path: string, query: Record<string, string | number | undefined> = {}) {
  const key = `${path}?${JSON.stringify(query)}`;
  const [state, setState] = useState<{ key: string; data?: T; error?: string }>({ key });
  const busy = useRef<string | undefined>(undefined);
  const reload = useCallback(() => {
    // A slow answer (a large index) is not asked for again until it came.
    if (busy.current === key) return;
    busy.current = key;
    get<T>(path, query)
      .then(
        (data) => setState({ key, data }),
        (error: Error) => setState((previous) => ({ ...previous, key, error: error.message })),
      )
      .finally(() => {
        if (busy.current === key) busy.current = undefined;
      });
  }, [key]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return { data: state.key === key ? state.data : undefined, error: state.error, reload };
}

export const time = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '–';
export const ms = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '–'
    : value < 1000
      ? `${value} ms`
      : `${(value / 1000).toFixed(1)} s`;

export function Problem({ text }: { text: string | undefined }) {
  return text ? html`<p class="problem" role="alert">${text}</p>` : null;
}

/**
 * An action in two steps: the server says what it will do and returns a confirmation bound to that
 * action; only "Confirm" runs it.
 */
export function ActionButton({
  action,
  label,
  onDone,
  disabled = false,
}: {
  action: Action;
  label: string;
  onDone?: () => void;
  disabled?: boolean;
}) {
  const [prepared, setPrepared] = useState<Prepared | undefined>();
  const [result, setResult] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const prepare = () => {
    setResult(undefined);
    setError(undefined);
    post<Prepared>('/api/actions/prepare', action).then(setPrepared, (failure: Error) =>
      setError(failure.message),
    );
  };
  const confirm = () => {
    if (!prepared) return;
    post<{ summary: string }>('/api/actions/run', {
      action: prepared.action,
      confirmation: prepared.confirmation,
    }).then(
      (done) => {
        setPrepared(undefined);
        setResult(done.summary);
        onDone?.();
      },
      (failure: Error) => {
        setPrepared(undefined);
        setError(failure.message);
      },
    );
  };
  return html`<span class="action">
    <button type="button" onClick=${prepare} disabled=${disabled && !prepared}>${label}</button>
    ${
      prepared &&
      html`<div class="confirm" role="dialog" aria-label="Confirm">
        <p>${prepared.summary}</p>
        <button type="button" class="danger" onClick=${confirm}>Confirm</button>
        <button type="button" onClick=${() => setPrepared(undefined)}>Cancel</button>
      </div>`
    }
    ${result && html`<output class="done">${result}</output>`}
    <${Problem} text=${error} />
  </span>`;
}

/** The dead-letter queues with their depth and a redrive action each. */
export function DeadLetterTable({ queues, onDone }: { queues: QueueDepth[]; onDone: () => void }) {
  return html`<table class="queues">
    <thead><tr><th>dead-letter queue</th><th>waiting</th><th>in flight</th><th></th></tr></thead>
    <tbody>
      ${queues.map(
        (
          queue,
        ) => html`<tr key=${queue.name} class=${queue.waiting + queue.inFlight > 0 ? 'attention' : ''} data-queue=${queue.name}>
          <td>${queue.name}</td><td class="number">${queue.waiting}</td><td class="number">${queue.inFlight}</td>
          <td><${ActionButton} action=${{ action: 'redrive', queue: queue.name }} label="Redrive" disabled=${queue.waiting === 0 || queue.redrivable === false} onDone=${onDone} /></td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
