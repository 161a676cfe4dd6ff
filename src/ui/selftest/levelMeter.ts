// The self-test's microphone level: the loudness of a live stream, sampled every 100 ms.

export interface LevelMeter {
  /** Stops sampling, the stream's tracks and the audio graph; returns the loudest level seen (0…1). */
  stop(): number;
}

/** Calls `onLevel` with each sample's loudness, 0 (silence or below -60 dBFS) to 1 (0 dBFS). */
export function startLevelMeter(stream: MediaStream, onLevel: (value: number) => void): LevelMeter {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  // A timer rather than animation frames: it keeps measuring when the tab is in the background.
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // Loudness in dBFS mapped onto -60…0 dB, the range a speaking voice moves in.
    const rms = Math.sqrt(sum / samples.length);
    const value = rms > 0 ? Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 60)) : 0;
    peak = Math.max(peak, value);
    onLevel(value);
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      stream.getTracks().forEach((track) => track.stop());
      void context.close();
      return peak;
    },
  };
}
