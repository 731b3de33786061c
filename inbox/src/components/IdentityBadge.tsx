import type { ContactSummary } from '../fragments.ts';

/** Explanations shown beside the badge and as its tooltip. */
export const VERIFIED_EXPLANATION =
  'The website vouched for this email with a signed identity token.';
export const UNVERIFIED_EXPLANATION =
  'The email was given without a signed identity token, so it may not be theirs.';

/** "Verified" or "Unverified" for an identified visitor; nothing for an anonymous one. */
export function IdentityBadge(props: { contact: ContactSummary | null; verified: boolean }) {
  if (props.contact === null) return null;
  return props.verified ? (
    <span className="badge verified" title={VERIFIED_EXPLANATION}>
      Verified
    </span>
  ) : (
    <span className="badge unverified" title={UNVERIFIED_EXPLANATION}>
      Unverified
    </span>
  );
}
