/**
 * A video file for Chromium's fake camera (`--use-file-for-fake-video-capture`): a QR code
 * drawn by the `qrcode` library, as the frames of a Y4M (raw YUV 4:2:0) clip, which Chromium
 * loops for as long as the page films.
 */
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

/** Writes `path` (.y4m): `text` as a QR code, black on white, `scale` pixels per module. */
export function writeQrVideo(path: string, text: string, { scale = 8, frames = 5 } = {}): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const side = (modules.size + 2 * quiet) * scale;
  // 4:2:0 needs even sizes; a 640×480-ish frame keeps Chromium's capture pipeline happy.
  const width = Math.max(640, side + (side % 2));
  const height = Math.max(480, side + (side % 2));
  const luma = Buffer.alloc(width * height, 235);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++) {
        const start = (top + (row + quiet) * scale + y) * width + left + (col + quiet) * scale;
        luma.fill(16, start, start + scale);
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
