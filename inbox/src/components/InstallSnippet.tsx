import { CopyButton } from './CopyButton.tsx';

/** The snippet of the seed page, filled in with this server and this workspace. */
export function snippetFor(siteId: string, origin: string): string {
  return `<!-- Sonny widget snippet -->
<script>
(function(){
var w=window,d=document,s=d.createElement('script');
w.sonny=w.sonny||function(){(w.sonny.q=w.sonny.q||[]).push(arguments)};
s.src=${JSON.stringify(`${origin}/widget.js`)};
s.async=true;d.head.appendChild(s);
})();
sonny('init', { siteId: ${JSON.stringify(siteId)} });
</script>`;
}

export function InstallSnippet(props: { siteId: string }) {
  const snippet = snippetFor(props.siteId, window.location.origin);
  return (
    <section aria-labelledby="install-title">
      <h3 id="install-title">Install the widget</h3>
      <p>
        Site id: <code className="site-id">{props.siteId}</code>
      </p>
      <p>
        Paste this before the closing &lt;/body&gt; tag of every page that should show the chat:
      </p>
      <pre className="snippet">
        <code>{snippet}</code>
      </pre>
      <CopyButton text={snippet} label="Copy snippet" />
    </section>
  );
}
