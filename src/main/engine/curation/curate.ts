import type { CurationAction } from '../../../shared/contract/curation';
import { ApiError } from '../../../shared/contract/errors';
import type { Db } from '../db/open';
import {
  addEditedVersion,
  addTagTo,
  ensureTag,
  removeTagFrom,
  restoreSamples,
  setStatusOf,
  tagChecker,
  tagIdByName,
  versionInput,
  visibleSampleStates,
} from '../samples/samples-repo';
import { deleteHumanVerdictsOfAction, insertHumanVerdicts, insertVerdicts } from '../subtasks/verdicts-repo';
import {
  actionById,
  actionItems,
  actionUndoneAt,
  insertAction,
  latestOpenAction,
  markActionUndone,
  recordActionItems,
} from './actions-repo';
import { checkEditedOutput, verifyEditedVersion } from './edit-check';

/**
 * Applies one curation action to samples, in one transaction, recording for every sample what it was
 * before so that the action can be undone. Returns the stored action's id.
 */
export function applyCuration(db: Db, action: CurationAction, ids: readonly number[]): { actionId: number; affected: number } {
  if (ids.length === 0) throw new ApiError('invalid_input', 'No sample matches: nothing to do.');
  if (action.kind === 'edit' && ids.length !== 1) throw new ApiError('invalid_input', `An edit applies to one sample, not ${ids.length}.`);
  return db
    .transaction(() => {
      const before = visibleSampleStates(db, ids);
      if (before.length !== new Set(ids).size) {
        const found = new Set(before.map((b) => b.id));
        const missing = ids.filter((id) => !found.has(id));
        throw new ApiError('not_found', `Sample ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} was not found.`);
      }
      const actionId = insertAction(db, action.kind, { ...action }, before.length);
      const tagId = action.kind === 'tag' || action.kind === 'untag' ? ensureTag(db, action.tag) : null;
      const hasTag = tagChecker(db);
      recordActionItems(
        db,
        actionId,
        before.map((sample) => ({
          sampleId: sample.id,
          status: sample.status,
          version: sample.current_version,
          hadTag: tagId === null ? null : hasTag(sample.id, tagId) ? 1 : 0,
        })),
      );
      const sampleIds = before.map((b) => b.id);
      switch (action.kind) {
        case 'accept':
        case 'reject': {
          setStatusOf(db, sampleIds, action.kind === 'accept' ? 'accepted' : 'rejected');
          insertHumanVerdicts(
            db,
            before.map((sample) => ({
              sampleId: sample.id,
              version: sample.current_version,
              passed: action.kind === 'accept',
              reason: action.kind === 'accept' ? 'accepted by a person' : action.reason?.trim() || 'rejected by a person',
            })),
          );
          break;
        }
        case 'tag':
          addTagTo(db, tagId!, sampleIds);
          break;
        case 'untag':
          removeTagFrom(db, tagId!, sampleIds);
          break;
        case 'edit': {
          const sample = before[0]!;
          const current = versionInput(db, sample.id, sample.current_version);
          const input = JSON.parse(current.input_json) as unknown;
          const output = checkEditedOutput(action.output, input, sample.category);
          const next = addEditedVersion(db, sample.id, {
            queryText: current.query_text,
            inputJson: current.input_json,
            outputText: output,
            note: action.note ?? null,
          });
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
      const action = actionId === undefined ? latestOpenAction(db) : actionById(db, actionId);
      if (!action) {
        if (actionId === undefined) return { actionId: null, affected: 0 };
        throw new ApiError('not_found', `Curation action ${actionId} was not found.`);
      }
      if (actionUndoneAt(db, action.id)) throw new ApiError('conflict', `Curation action ${action.id} was already undone.`);
      const items = actionItems(db, action.id);
      const payload = JSON.parse(action.payload_json) as { tag?: string };
      restoreSamples(db, items, payload.tag ? tagIdByName(db, payload.tag) : undefined);
      // The human verdicts this action added go with it.
      if (action.kind === 'accept' || action.kind === 'reject') deleteHumanVerdictsOfAction(db, action.id);
      markActionUndone(db, action.id);
      return { actionId: action.id, affected: items.length };
    })
    .immediate();
}
