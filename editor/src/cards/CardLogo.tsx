/**
 * A card's logo: shown on the pass beside the shop's name, on the customer's card page and on
 * the counter poster. PNG, JPEG or WebP up to 1 MB; the server checks and fits it.
 */
import { useState } from 'react';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useAction } from '../shell/use-action';

const MAX_BYTES = 1024 * 1024;

export function CardLogo({ cardId, hasLogo, onChanged }: { cardId: string; hasLogo: boolean; onChanged: () => void }) {
  const action = useAction();
  /** Bumped after each change, so the preview loads the new image. */
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion((v) => v + 1);
    onChanged();
  };
  const upload = (file: File) =>
    action.run(async () => {
      if (file.size > MAX_BYTES) throw new Error(`The logo is ${(file.size / MAX_BYTES).toFixed(1)} MB; it may be at most 1 MB.`);
      await call(api.v1.cards[':id'].logo.$put({ param: { id: cardId } }, { init: { body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } } }));
      changed();
    });
  const remove = () =>
    action.run(async () => {
      await call(api.v1.cards[':id'].logo.$delete({ param: { id: cardId } }));
      changed();
    });
  return (
    <div className="card-logo">
      <span className="card-logo-title">Logo</span>
      {hasLogo ? (
        <img className="card-logo-preview" src={`/v1/cards/${cardId}/logo?v=${version}`} alt="The card's logo" />
      ) : (
        <span className="hint">No logo yet: the pass shows a stamp instead.</span>
      )}
      <label className="button">
        {hasLogo ? 'Change logo' : 'Upload logo'}
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp"
          className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void upload(file);
          }}
        />
      </label>
      {hasLogo && (
        <button type="button" className="link-button" onClick={() => void remove()} disabled={action.busy}>
          Remove logo
        </button>
      )}
      <span className="hint">PNG, JPEG or WebP, up to 1 MB; a wide logo fits best (about 3 : 1).</span>
      <ErrorNote error={action.error} />
    </div>
  );
}
