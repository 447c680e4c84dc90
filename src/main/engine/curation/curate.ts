import type { CurationAction } from '../../../shared/contract/curation';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import { VISIBLE_SAMPLE } from '../samples/samples-repo';
import { insertVerdicts } from '../subtasks/verdicts-repo';
import { checkEditedOutput, verifyEditedVersion } from './edit-check';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

interface Before {
  id: number;
  status: string;
  current_version: number;
  category: string | null;
}

/**
 * Applies one curation action to samples, in one transaction, recording for every sample what it was
 * before so that the action can be undone. Returns the stored action's id.
 */
export function applyCuration(db: Db, action: CurationAction, ids: readonly number[]): { actionId: number; affected: number } {
  if (ids.length === 0) throw new ApiError('invalid_input', 'No sample matches: nothing to do.');
  if (action.kind === 'edit' && ids.length !== 1) throw new ApiError('invalid_input', `An edit applies to one sample, not ${ids.length}.`);
  return db
    .transaction(() => {
      const before = db
        .prepare(
          `SELECT s.id, s.status, s.current_version, s.category FROM samples s
           WHERE s.id IN (SELECT value FROM json_each(?)) AND ${VISIBLE_SAMPLE}`,
        )
        .all(JSON.stringify(ids)) as Before[];
      if (before.length !== new Set(ids).size) {
        const found = new Set(before.map((b) => b.id));
        const missing = ids.filter((id) => !found.has(id));
        throw new ApiError('not_found', `Sample ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} was not found.`);
      }
      const payload = { ...action };
      const actionId = Number(
        db
          .prepare('INSERT INTO curation_actions (kind, payload_json, affected) VALUES (?, ?, ?)')
          .run(action.kind, JSON.stringify(payload), before.length).lastInsertRowid,
      );
      const tagId = action.kind === 'tag' || action.kind === 'untag' ? ensureTag(db, action.tag) : null;
      const hasTag = db.prepare('SELECT 1 FROM sample_tags WHERE sample_id = ? AND tag_id = ?').pluck();
      const record = db.prepare(
        'INSERT INTO curation_action_items (action_id, sample_id, before_status, before_version, had_tag) VALUES (?, ?, ?, ?, ?)',
      );
      for (const sample of before) {
        const had = tagId === null ? null : hasTag.get(sample.id, tagId) ? 1 : 0;
        record.run(actionId, sample.id, sample.status, sample.current_version, had);
      }
      const idsJson = JSON.stringify(before.map((b) => b.id));
      switch (action.kind) {
        case 'accept':
        case 'reject': {
          const status = action.kind === 'accept' ? 'accepted' : 'rejected';
          db.prepare(`UPDATE samples SET status = ?, updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(
            status,
            idsJson,
          );
          const verdict = db.prepare("INSERT INTO verdicts (sample_id, version, verifier, passed, reason) VALUES (?, ?, 'human', ?, ?)");
          for (const sample of before) {
            verdict.run(
              sample.id,
              sample.current_version,
              action.kind === 'accept' ? 1 : 0,
              action.kind === 'accept' ? 'accepted by a person' : action.reason?.trim() || 'rejected by a person',
            );
          }
          break;
        }
        case 'tag':
          db.prepare('INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) SELECT value, ? FROM json_each(?)').run(tagId, idsJson);
          db.prepare(`UPDATE samples SET updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(idsJson);
          break;
        case 'untag':
          db.prepare('DELETE FROM sample_tags WHERE tag_id = ? AND sample_id IN (SELECT value FROM json_each(?))').run(tagId, idsJson);
          db.prepare(`UPDATE samples SET updated_at = ${NOW} WHERE id IN (SELECT value FROM json_each(?))`).run(idsJson);
          break;
        case 'edit': {
          const sample = before[0]!;
          const current = db
            .prepare('SELECT query_text, input_json FROM sample_versions WHERE sample_id = ? AND version = ?')
            .get(sample.id, sample.current_version) as { query_text: string; input_json: string };
          const input = JSON.parse(current.input_json) as unknown;
          const output = checkEditedOutput(action.output, input, sample.category);
          const next = (db.prepare('SELECT MAX(version) FROM sample_versions WHERE sample_id = ?').pluck().get(sample.id) as number) + 1;
          db.prepare(
            "INSERT INTO sample_versions (sample_id, version, query_text, input_json, output_text, author, note) VALUES (?, ?, ?, ?, ?, 'user', ?)",
          ).run(sample.id, next, current.query_text, current.input_json, output, action.note ?? null);
          db.prepare(`UPDATE samples SET current_version = ?, status = 'edited', updated_at = ${NOW} WHERE id = ?`).run(next, sample.id);
          // The verifiers judge the new version; the old version and its verdicts stay as they were.
          insertVerdicts(db, sample.id, next, verifyEditedVersion(output, input));
          break;
        }
      }
      return { actionId, affected: before.length };
    })
    .immediate();
}

/**
 * Undoes a curation action (by default the latest one not yet undone): statuses, the current version and
 * tags go back to what they were. Versions an edit added are kept in the history.
 */
export function undoCuration(db: Db, actionId?: number): { actionId: number | null; affected: number } {
  return db
    .transaction(() => {
      const action = (
        actionId === undefined
          ? db.prepare('SELECT id, kind, payload_json FROM curation_actions WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get()
          : db.prepare('SELECT id, kind, payload_json FROM curation_actions WHERE id = ?').get(actionId)
      ) as { id: number; kind: CurationAction['kind']; payload_json: string } | undefined;
      if (!action) {
        if (actionId === undefined) return { actionId: null, affected: 0 };
        throw new ApiError('not_found', `Curation action ${actionId} was not found.`);
      }
      const undone = db.prepare('SELECT undone_at FROM curation_actions WHERE id = ?').pluck().get(action.id);
      if (undone) throw new ApiError('conflict', `Curation action ${action.id} was already undone.`);
      const items = db
        .prepare('SELECT sample_id, before_status, before_version, had_tag FROM curation_action_items WHERE action_id = ?')
        .all(action.id) as { sample_id: number; before_status: string; before_version: number; had_tag: number | null }[];
      const restore = db.prepare(`UPDATE samples SET status = ?, current_version = ?, updated_at = ${NOW} WHERE id = ?`);
      const payload = JSON.parse(action.payload_json) as { tag?: string };
      const tagId = payload.tag
        ? (db.prepare('SELECT id FROM tags WHERE name = ?').pluck().get(payload.tag) as number | undefined)
        : undefined;
      for (const item of items) {
        restore.run(item.before_status, item.before_version, item.sample_id);
        if (tagId !== undefined && item.had_tag !== null) {
          if (item.had_tag) db.prepare('INSERT OR IGNORE INTO sample_tags (sample_id, tag_id) VALUES (?, ?)').run(item.sample_id, tagId);
          else db.prepare('DELETE FROM sample_tags WHERE sample_id = ? AND tag_id = ?').run(item.sample_id, tagId);
        }
      }
      if (action.kind === 'accept' || action.kind === 'reject') {
        // The human verdicts this action added go with it.
        db.prepare(
          `DELETE FROM verdicts WHERE verifier = 'human' AND id IN (
           SELECT MAX(v.id) FROM verdicts v JOIN curation_action_items i ON i.sample_id = v.sample_id
           WHERE i.action_id = ? AND v.verifier = 'human' GROUP BY v.sample_id)`,
        ).run(action.id);
      }
      db.prepare(`UPDATE curation_actions SET undone_at = ${NOW} WHERE id = ?`).run(action.id);
      return { actionId: action.id, affected: items.length };
    })
    .immediate();
}

function ensureTag(db: Db, name: string): number {
  db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING').run(name);
  return db.prepare('SELECT id FROM tags WHERE name = ?').pluck().get(name) as number;
}
