// The folders of dist/: what synth writes and every reader reads, without loading cdk8s.
export const HUB_DIR = 'hub';
export const LAUNCH_DIR = 'launch';
export const KUBERNETES_DIR = 'kubernetes';
export const DIST_DIRS = [HUB_DIR, LAUNCH_DIR, KUBERNETES_DIR] as const;
