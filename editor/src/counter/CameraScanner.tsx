/**
 * Reads a pass's QR code with the phone's camera: the browser's `BarcodeDetector` where it
 * exists (Safari, Chrome on Android), else the jsQR decoder on frames drawn to a canvas.
 */
import { useEffect, useRef, useState } from 'react';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

/** One read of the current frame: the QR's text, or undefined when none is seen. */
type Reader = (video: HTMLVideoElement) => Promise<string | undefined>;

async function makeReader(): Promise<Reader> {
  const Native = (window as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  }
  // Loaded only when needed: most phones have BarcodeDetector.
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!context || video.videoWidth === 0) return undefined;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height)?.data;
  };
}

/** The camera view; calls `onCode` once with the first QR it reads. */
export function CameraScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let stopped = false;
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem('This browser cannot use the camera here (it needs a secure https address). Type the code instead.');
        return;
      }
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (stopped || !video.current) return;
      video.current.srcObject = stream;
      await video.current.play();
      const read = await makeReader();
      const tick = async () => {
        if (stopped || !video.current) return;
        const code = await read(video.current).catch(() => undefined);
        if (code) onCode(code);
        else timer = window.setTimeout(() => void tick(), 200);
      };
      void tick();
    };
    start().catch((err: unknown) => {
      setProblem(`The camera did not start (${err instanceof Error ? err.message : String(err)}). Type the code instead.`);
    });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onCode]);

  return (
    <div className="scanner">
      {problem ? <p role="alert" className="form-error">{problem}</p> : <video ref={video} muted playsInline aria-label="Camera" />}
      <button type="button" className="counter-secondary" onClick={onClose}>
        Stop camera
      </button>
    </div>
  );
}
