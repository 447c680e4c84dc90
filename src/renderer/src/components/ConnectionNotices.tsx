import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import { useClient } from '../api/client';

/** Tells the person when browser mode loses (and regains) its connection to the engine. */
export function ConnectionNotices() {
  const client = useClient();
  useEffect(
    () =>
      client.onAny((event) => {
        if (event === 'transport.disconnected') {
          notifications.show({
            id: 'connection',
            color: 'red',
            title: 'Disconnected',
            message: 'Lost the connection to Toolsmith; retrying…',
            autoClose: false,
          });
        } else if (event === 'transport.connected') {
          notifications.hide('connection');
        }
      }),
    [client],
  );
  return null;
}
