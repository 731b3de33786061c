import { useState } from 'react';
import {
  askNotificationPermission,
  type NotificationState,
  notificationState,
  setSoundEnabled,
  soundEnabled,
} from '../notify.ts';

const STATES: Record<Exclude<NotificationState, 'default'>, string> = {
  granted:
    'Notifications are on: new conversations and messages show while the inbox is in the background.',
  denied: 'Notifications are blocked for this site; allow them in the browser’s site settings.',
  unsupported: 'This browser cannot show notifications.',
};

/** This browser's notifications and tone for the inbox: the agent's own, kept per browser. */
export function NotificationSettings() {
  const [state, setState] = useState<NotificationState>(notificationState);
  const [sound, setSound] = useState(soundEnabled);
  return (
    <section aria-labelledby="notifications-title">
      <h3 id="notifications-title">Notifications</h3>
      {state === 'default' ? (
        <>
          <p className="explain">
            Let this browser tell you about new conversations and messages while the inbox is in the
            background.
          </p>
          <button type="button" onClick={async () => setState(await askNotificationPermission())}>
            Enable notifications
          </button>
        </>
      ) : (
        <p className="notification-state">{STATES[state]}</p>
      )}
      <label className="switch">
        <input
          type="checkbox"
          checked={sound}
          onChange={(event) => {
            setSoundEnabled(event.target.checked);
            setSound(event.target.checked);
          }}
        />
        Play a sound for new messages
      </label>
    </section>
  );
}
