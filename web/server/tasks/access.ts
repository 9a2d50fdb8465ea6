import type { SessionUser } from '../auth/user';

export interface TaskLike {
  assignee?: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
}

/** A user may see, claim and complete a task assigned to them or offered to one of their groups (or to them). */
export function canWorkOnTask(user: SessionUser, task: TaskLike): boolean {
  if (task.assignee === user.id) return true;
  if (task.candidateUsers?.includes(user.id)) return true;
  return (task.candidateGroups ?? []).some((g) => user.groups.includes(g));
}
