// The kernel's own version: plugins declare the range they accept (`kernel: '^0.1.0'`).
export const KERNEL_VERSION = '0.1.0'
