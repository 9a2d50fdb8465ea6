import { managedKommuner, type SessionUser } from '../auth/user';

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

/** chef-region for every task, chef-<kommun> for the tasks of their kommun's cases (to take over a stalled task). */
export function isChefFor(user: SessionUser, kommun: string | undefined): boolean {
  const managed = managedKommuner(user);
  return managed === 'all' || (!!kommun && managed.includes(kommun));
}
