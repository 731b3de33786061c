import { useState } from 'react';

/** Copies `text`; says so, or says to copy by hand where the clipboard is not available. */
export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" onClick={copy}>
        {props.label}
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' && 'Copied.'}
        {state === 'failed' && 'The clipboard is not available here: select the text and copy it.'}
      </span>
    </>
  );
}
