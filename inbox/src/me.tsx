import { createContext, useContext } from 'react';
import type { Session } from './session.ts';

/** The signed-in agent: what "Mine" and "Assign to me" mean. */
export type Me = Session['agent'];

const MeContext = createContext<Me | null>(null);

export const MeProvider = MeContext.Provider;

export function useMe(): Me {
  const me = useContext(MeContext);
  if (me === null) throw new Error('useMe needs a MeProvider');
  return me;
}
