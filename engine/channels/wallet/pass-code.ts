/**
 * The code on a customer's pass: the QR holds the customer id; under it, the short code
 * (its first 8 characters, upper case) is what staff type when a camera cannot scan.
 */

/** The short code of a pass's barcode (the customer id). */
export const shortCode = (barcode: string): string => barcode.slice(0, 8).toUpperCase();
