import { Box, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type UIEvent } from 'react';
import type { JobLog } from '../../../../shared/contract/jobs';
import { useClient, useEvent } from '../../api/client';

const ROW = 20;
const VIEW_HEIGHT = 240;
const PAGE = 1000;

/** The job's log, virtualised (only visible lines are rendered), following new lines while at the bottom. */
export function LogView({ jobId }: { jobId: number }) {
  const client = useClient();
  const [lines, setLines] = useState<JobLog[]>([]);
  const [more, setMore] = useState<number | null>(0);
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const loading = useRef(false);

  const loadPage = useCallback(
    (afterId: number) => {
      if (loading.current) return;
      loading.current = true;
      client
        .call('jobs.logs', { id: jobId, afterId, limit: PAGE })
        .then((page) => {
          setLines((prev) => [...prev, ...page.items.filter((l) => l.id > (prev[prev.length - 1]?.id ?? 0))]);
          setMore(page.nextAfterId);
        })
        .finally(() => (loading.current = false));
    },
    [client, jobId],
  );

  useEffect(() => {
    setLines([]);
    setMore(0);
    follow.current = true;
    loadPage(0);
  }, [jobId, loadPage]);

  useEvent('jobs.log', (line) => {
    // Live lines join once everything before them is loaded (otherwise the next page brings them).
    if (line.jobId === jobId && more === null)
      setLines((prev) => (prev.length && prev[prev.length - 1]!.id >= line.id ? prev : [...prev, line]));
  });

  useEffect(() => {
    if (follow.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines.length]);

  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW;
    if (more !== null && el.scrollTop + el.clientHeight >= el.scrollHeight - 10 * ROW) loadPage(more);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW) - 10);
  const last = Math.min(lines.length, first + Math.ceil(VIEW_HEIGHT / ROW) + 20);
  const color = (level: JobLog['level']) =>
    level === 'error' ? 'red' : level === 'warn' ? 'orange' : level === 'debug' ? 'dimmed' : undefined;
  return (
    <Box
      ref={box}
      onScroll={onScroll}
      h={VIEW_HEIGHT}
      style={{
        overflowY: 'auto',
        position: 'relative',
        fontFamily: 'var(--mantine-font-family-monospace)',
        fontSize: 12,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
      }}
      data-testid="job-log"
      role="log"
      aria-label={`Log of job ${jobId}`}
    >
      <div style={{ height: lines.length * ROW, position: 'relative' }}>
        {lines.slice(first, last).map((line, i) => (
          <Text
            key={line.id}
            component="div"
            size="xs"
            c={color(line.level)}
            style={{
              position: 'absolute',
              top: (first + i) * ROW,
              height: ROW,
              lineHeight: `${ROW}px`,
              whiteSpace: 'nowrap',
              paddingInline: 6,
            }}
          >
            {line.at.slice(11, 19)} {line.level.padEnd(5)} {line.message}
          </Text>
        ))}
      </div>
      {lines.length === 0 && (
        <Text size="xs" c="dimmed" p={6}>
          No log lines yet.
        </Text>
      )}
    </Box>
  );
}
