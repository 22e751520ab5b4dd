// `http.request({ socketPath })`: the request goes to a Unix socket instead of a host, and
// the socket may be a local daemon's API (`/var/run/docker.sock` runs containers). An input
// that names the socket chooses the destination as surely as one that names a host.
import type { SinkDetector } from '../guard';
import type { Detection, UserInput } from '../detect/types';

export const SOCKET_PATH_RULE = 'ssrf.socket-path';

/**
 * The input that chooses `socketPath`: the whole path, or a part holding `/` (it picks the
 * directory, or climbs out of the app's with `..`). A plain name inside the app's own path
 * (`/run/app/${tenant}.sock`) chooses among the app's sockets and is left alone.
 */
export function findSocketPathInput(socketPath: string, inputs: readonly UserInput[]): UserInput | undefined {
  for (let i = 0; i < inputs.length; i++) {
    const value = inputs[i]!.value;
    if (value.length === 0) continue;
    if (value === socketPath || (value.indexOf('/') !== -1 && socketPath.indexOf(value) !== -1)) return inputs[i];
  }
  return undefined;
}

export const socketPathDetector: SinkDetector<string> = {
  kind: 'ssrf',
  family: 'outbound',
  detect(socketPath, inputs): Detection | undefined {
    const input = findSocketPathInput(socketPath, inputs);
    return input === undefined ? undefined : { kind: 'ssrf', input, rule: SOCKET_PATH_RULE, reason: 'User input chooses the Unix socket the request is sent to.' };
  },
  describe: (socketPath) => ({ 'network.transport': 'unix', 'server.address': socketPath }),
};
