import { UNVERIFIED_EXPLANATION, VERIFIED_EXPLANATION } from './IdentityBadge.tsx';

/** The badge of the sidebar, with its one-line explanation. */
export function IdentityLine(props: { verified: boolean; contactVerified: boolean }) {
  return (
    <div className={`identity ${props.verified ? 'verified' : 'unverified'}`}>
      <span className={`badge ${props.verified ? 'verified' : 'unverified'}`}>
        {props.verified ? 'Verified' : 'Unverified'}
      </span>
      <p className="explain">
        {props.verified ? VERIFIED_EXPLANATION : UNVERIFIED_EXPLANATION}
        {!props.verified && props.contactVerified
          ? ' This contact was verified elsewhere, but not in this conversation.'
          : ''}
      </p>
    </div>
  );
}
