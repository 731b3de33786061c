// The browser's ways of getting the agent's attention while the inbox is in the background:
// system notifications (the Notification API) and a short tone (Web Audio, no file to load).

/** Whether the browser may show the inbox's notifications; `unsupported` when it has none. */
export type NotificationState = NotificationPermission | 'unsupported';

export function notificationState(): NotificationState {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** Asks the browser for permission; call it from a click, or browsers refuse without asking. */
export async function askNotificationPermission(): Promise<NotificationState> {
  if (!('Notification' in window)) return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Shows a notification if permitted. Notifications of one conversation share a tag, so a
 * newer one replaces the older instead of piling up (also across the agent's tabs).
 */
export function showNotification(
  notice: { title: string; body: string; tag: string },
  onClick: () => void,
): void {
  if (notificationState() !== 'granted') return;
  const notification = new Notification(notice.title, { body: notice.body, tag: notice.tag });
  notification.onclick = () => {
    window.focus();
    onClick();
    notification.close();
  };
}

const SOUND_KEY = 'sonny.inbox.sound';

/** The agent's choice of a tone with notifications, kept in this browser; off unless chosen. */
export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setSoundEnabled(enabled: boolean): void {
  if (enabled) localStorage.setItem(SOUND_KEY, 'on');
  else localStorage.removeItem(SOUND_KEY);
  if (enabled) unlockSound();
}

let audio: AudioContext | null = null;

/**
 * Readies the tone: browsers start audio only after a gesture on the page, so call it from
 * one (the page's first click does it once the sound is on); later tones then play from the
 * background too.
 */
export function unlockSound(): void {
  if (!soundEnabled() || typeof AudioContext === 'undefined') return;
  audio ??= new AudioContext();
  if (audio.state === 'suspended') void audio.resume();
}

/** A short two-note chime, if the agent turned the sound on. */
export function playChime(): void {
  if (!soundEnabled() || audio === null || audio.state !== 'running') return;
  const start = audio.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1320],
  ] as const) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.25);
  }
}
