/**
 * The email as a sample customer receives it (`POST /v1/flows/preview-email`), refreshed a
 * moment after the last edit and shown in a sandboxed frame (no scripts, no same origin).
 */
import { useEffect, useState } from 'react';
import { api, call, messageOf, type Ok } from '../../api';

const DEBOUNCE_MS = 600;

type Preview = Ok<Awaited<ReturnType<(typeof api.v1.flows)['preview-email']['$post']>>>;

export function EmailPreview({
  subject,
  body,
  customerId,
}: {
  subject: string;
  body: string;
  /** The customer whose data fills the placeholders; default: the shop's first customer. */
  customerId?: string | undefined;
}) {
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!subject.trim() && !body.trim()) return;
    let live = true;
    const timer = window.setTimeout(() => {
      setLoading(true);
      call(api.v1.flows['preview-email'].$post({ json: { subject, body, ...(customerId ? { customerId } : {}) } }))
        .then((answer) => {
          if (!live) return;
          setPreview(answer);
          setError(undefined);
        })
        .catch((err: unknown) => live && setError(messageOf(err)))
        .finally(() => live && setLoading(false));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [subject, body, customerId]);

  const who = preview?.customer.name ?? 'a sample customer';
  return (
    <section className="email-preview" aria-label="Email preview" aria-busy={loading}>
      <h3>
        Preview <span className="hint">for {who}</span>
      </h3>
      {error && <p className="form-error">Preview unavailable: {error}</p>}
      {preview ? (
        <>
          <div className="email-preview-subject">
            <span className="hint">Subject</span> {preview.subject}
          </div>
          <iframe title="Email preview" sandbox="" srcDoc={preview.html} className={loading ? 'stale' : undefined} />
        </>
      ) : (
        !error && <p className="hint">{loading ? 'Rendering…' : 'Write a subject and a message to see the email.'}</p>
      )}
    </section>
  );
}
