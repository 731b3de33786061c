import { useEffect, useRef } from 'react';
import { useInboxEvent } from '../events.tsx';
import { useMe } from '../me.tsx';
import { playChime, showNotification, unlockSound } from '../notify.ts';
import { navigate } from '../router.tsx';
import { noticeOf } from '../state/notices.ts';

/**
 * While the inbox's tab is hidden, a notification (when the agent allowed them) and the tone
 * (when turned on) for each new conversation and each visitor message the agent has to
 * answer; a click on the notification brings the tab forward on that conversation.
 */
export function useNotifications(): void {
  const me = useMe();
  const opened = useRef(new Set<string>());

  useEffect(() => {
    const unlock = () => unlockSound();
    document.addEventListener('pointerdown', unlock);
    document.addEventListener('keydown', unlock);
    return () => {
      document.removeEventListener('pointerdown', unlock);
      document.removeEventListener('keydown', unlock);
    };
  }, []);

  useInboxEvent((event) => {
    const notice = noticeOf(event, me.id, opened.current);
    if (notice === null || document.visibilityState !== 'hidden') return;
    const { conversationId } = notice;
    showNotification({ title: notice.title, body: notice.body, tag: conversationId }, () =>
      navigate({ page: 'conversations', conversationId }),
    );
    playChime();
  });
}
