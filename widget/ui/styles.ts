/**
 * The widget's CSS, scoped by its Shadow DOM. `:host` declarations are `!important`: inside a
 * shadow tree those win over the host page's, even `* { all: unset }` or `display: none
 * !important` aimed at every element. The colours come from custom properties that `ChatView`
 * sets from the brand colour (ui/brand.ts): each is readable on what it sits on.
 */
export const STYLES = `
:host{all:initial!important;display:block!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;z-index:2147483000!important;visibility:visible!important;opacity:1!important}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
[hidden]{display:none!important}
.root{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2330}
button,input,textarea{font:inherit}
button{cursor:pointer;border:0;background:none}
:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
header :focus-visible{outline-color:var(--on-brand)}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;background:var(--brand);color:var(--on-brand);display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d92d20;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
.panel{position:fixed;right:20px;bottom:88px;width:min(370px,calc(100vw - 40px));height:min(560px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25)}
header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--brand);color:var(--on-brand)}
.titles{flex:1;min-width:0}
h2,.status,.name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
h2{font-size:16px;font-weight:600}
.status{font-size:12px}
.close{flex:none;width:36px;height:36px;border-radius:8px;font-size:24px;line-height:1}
.messages{flex:1;overflow-y:auto;list-style:none;padding:12px;display:flex;flex-direction:column;gap:4px}
.messages:empty{flex:none;padding:0}
.empty{flex:1;display:flex;align-items:center;justify-content:center;padding:24px;color:#4a5467;text-align:center;white-space:pre-wrap;overflow-wrap:anywhere}
.message{display:flex;flex-direction:column;align-items:flex-start;max-width:80%;align-self:flex-start}
.message.start:not(:first-child){margin-top:10px}
.message.visitor{align-items:flex-end;align-self:flex-end}
.bubble{max-width:100%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#eef1f6}
.visitor .bubble{background:var(--brand);color:var(--on-brand)}
.pending .bubble{opacity:.7}
.sender{display:flex;align-items:center;gap:6px;max-width:100%;margin-bottom:4px;color:#4a5467;font-size:12px;font-weight:600}
.avatar{flex:none;width:24px;height:24px;border-radius:50%;background:var(--brand);color:var(--on-brand);font-size:10px;font-weight:700;line-height:24px;text-align:center}
.meta{margin-top:2px;color:#5b6577;font-size:11px}
.retry{color:var(--brand-text);text-decoration:underline;font-size:11px;padding:0}
form{padding:10px 12px;border-top:1px solid #e3e7ee}
.prompt{background:#f7f8fb}
.prompt label{display:block;font-size:13px;margin-bottom:6px}
.row{display:flex;gap:8px}
input,textarea{flex:1;min-width:0;padding:8px 10px;border:1px solid #b8c0cc;border-radius:8px;background:#fff;color:#1c2330}
textarea{resize:none;max-height:120px}
.primary{padding:8px 14px;border-radius:8px;background:var(--brand);color:var(--on-brand);font-weight:600}
.secondary{padding:8px 4px;color:var(--brand-text);font-size:13px}
.error{color:#b42318;font-size:13px;margin-top:6px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100%;border-radius:0}}
`;
