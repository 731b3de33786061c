/**
 * The widget's CSS, scoped by its Shadow DOM. `:host` declarations are `!important`: inside a
 * shadow tree those win over the host page's, even `* { all: unset }` or `display: none
 * !important` aimed at every element.
 */
export const STYLES = `
:host{all:initial!important;display:block!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;z-index:2147483000!important;visibility:visible!important;opacity:1!important}
*{box-sizing:border-box;margin:0;font:inherit;color:inherit}
[hidden]{display:none!important}
.root{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2330}
button,input,textarea{font:inherit}
button{cursor:pointer;border:0;background:none}
:focus-visible{outline:3px solid #f5b400;outline-offset:2px}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;background:#2b59c3;color:#fff;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d92d20;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
.panel{position:fixed;right:20px;bottom:88px;width:min(370px,calc(100vw - 40px));height:min(560px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25)}
header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:#2b59c3;color:#fff}
h2{flex:1;font-size:16px;font-weight:600}
.status{font-size:12px;opacity:.9}
.close{width:36px;height:36px;border-radius:8px;color:#fff;font-size:24px;line-height:1}
.messages{flex:1;overflow-y:auto;list-style:none;padding:12px;display:flex;flex-direction:column;gap:8px}
.empty{color:#5b6577;text-align:center;margin:auto 0;font-size:14px}
.message{max-width:80%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#eef1f6;align-self:flex-start}
.message.visitor{background:#2b59c3;color:#fff;align-self:flex-end}
.message.pending{opacity:.65}
.note{display:block;font-size:11px;margin-top:2px}
.retry{color:inherit;text-decoration:underline;font-size:11px;padding:0}
form{padding:10px 12px;border-top:1px solid #e3e7ee}
.prompt{background:#f7f8fb}
.prompt label{display:block;font-size:13px;margin-bottom:6px}
.row{display:flex;gap:8px}
input,textarea{flex:1;min-width:0;padding:8px 10px;border:1px solid #b8c0cc;border-radius:8px;background:#fff;color:#1c2330}
textarea{resize:none;max-height:120px}
.primary{padding:8px 14px;border-radius:8px;background:#2b59c3;color:#fff;font-weight:600}
.secondary{padding:8px 4px;color:#2b59c3;font-size:13px}
.error{color:#b42318;font-size:13px;margin-top:6px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100%;border-radius:0}}
`;
