// The new-ticket sound, made by WebAudio (no file to download): two short tones. Browsers let a
// page play sound only after a touch, so the cook turns it on with a button, which also unlocks it.

let context: AudioContext | null = null;

export function unlockChime(): boolean {
  const Ctor = typeof window !== "undefined" ? window.AudioContext : undefined;
  if (!Ctor) return false;
  context ??= new Ctor();
  void context.resume();
  return true;
}

export function playChime() {
  if (!context) return;
  const start = context.currentTime;
  [880, 1320].forEach((frequency, i) => {
    if (!context) return;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    const at = start + i * 0.18;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.17);
  });
}
