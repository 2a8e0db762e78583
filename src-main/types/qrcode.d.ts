// The part of `qrcode` the desktop app uses; the package ships no types and @types/qrcode is not
// installed.
declare module 'qrcode' {
  interface QRCodeToDataURLOptions {
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
    margin?: number;
    width?: number;
  }
  /** Renders `text` as a PNG QR code and answers a `data:image/png;base64,...` URL. */
  export function toDataURL(text: string, options?: QRCodeToDataURLOptions): Promise<string>;
  const QRCode: { toDataURL: typeof toDataURL };
  export default QRCode;
}
