/**
 * API keys of remote servers for jobs queued in this process (evaluation, evolution), kept out of the jobs
 * table (settings are stored and shown). A job resumed by another process without the key asks for none
 * (servers that need one answer 401, and the job fails saying so).
 */
const remoteKeys = new Map<number, string>();

export function rememberRemoteKey(jobId: number, apiKey: string): void {
  remoteKeys.set(jobId, apiKey);
}

export function remoteKeyOf(jobId: number): string | undefined {
  return remoteKeys.get(jobId);
}
