/**
 * Named ACL errors. All of them end the ops request `Failed` (they extend OpsRequestFailedError: the same request can
 * never succeed). Their messages name users, rule positions and secret keys, never a password, a hash or the text of
 * a token that may hold one.
 */
import { OpsRequestFailedError } from '../errors.ts';

export const AclReason = {
  InvalidRule: 'InvalidACLRule',
  SecretKeyNotFound: 'ACLSecretKeyNotFound',
  ProtectedUser: 'ACLProtectedUser',
  Conflict: 'ACLConflictingChange',
  Refused: 'ACLRefusedByRedis',
  /** The ops request's auth.secretRef names no secret. */
  SecretNotFound: 'ACLSecretNotFound',
  /** A pod is not Ready: every pod holds its own users, so none is changed. */
  ApplyFailed: 'ACLApplyFailed',
  /**
   * A Redis's first ACL users with a rolling restart in the same request: its pods do not mount the ACL secret yet,
   * so a restarted pod would lose them (shared/steps/apply-config/acl-plan.ts refuseFirstAclWithRestart).
   */
  NotMounted: 'ACLSecretNotMounted',
} as const;

/** A rule that Redis's ACL SETUSER grammar would refuse (or that we cannot read). */
export class AclRuleError extends OpsRequestFailedError {
  override name = 'AclRuleError';
  readonly user: string | undefined;
  constructor(user: string | undefined, message: string) {
    super(AclReason.InvalidRule, message);
    this.user = user;
  }
}

/** A `${key}` placeholder whose key none of the given secrets holds. Names the key and the rule's user. */
export class AclSecretKeyMissingError extends OpsRequestFailedError {
  override name = 'AclSecretKeyMissingError';
  readonly user: string;
  readonly key: string;
  constructor(user: string, key: string, secrets: string[]) {
    const where = secrets.length === 0 ? 'no secret is referenced (auth.secretRef)' : `secret ${secrets.join(', ')}`;
    super(
      AclReason.SecretKeyNotFound,
      `ACL rule for user ${user} refers to \${${key}}, but ${where} has no key ${key}` +
        (secrets.length > 1 ? ' (none of them)' : ''),
    );
    this.user = user;
    this.key = key;
  }
}

/** A rule for, or the deletion of, the user the operator and the functions authenticate as. */
export class AclProtectedUserError extends OpsRequestFailedError {
  override name = 'AclProtectedUserError';
  readonly user: string;
  constructor(user: string, what: 'rule' | 'delete') {
    super(
      AclReason.ProtectedUser,
      what === 'rule'
        ? `ACL rule for user ${user} refused: ${user} is the operator's own user (its password is the auth secret's)`
        : `deleting ACL user ${user} refused: ${user} is the operator's own user`,
    );
    this.user = user;
  }
}

/** The request contradicts itself: a user both set and deleted, or two rules for one user. */
export class AclConflictError extends OpsRequestFailedError {
  override name = 'AclConflictError';
  constructor(message: string) {
    super(AclReason.Conflict, message);
  }
}

/**
 * A pod's Redis refused an ACL command (e.g. "Unknown command or category name in ACL"). Carries the engine's words
 * with any quoted modifier that may hold a password redacted (redactAclReply); never the command's arguments.
 */
export class AclCommandRefusedError extends OpsRequestFailedError {
  override name = 'AclCommandRefusedError';
  readonly command: string;
  readonly user: string | undefined;
  constructor(command: string, user: string | undefined, engineMessage: string) {
    super(AclReason.Refused, `${command}${user === undefined ? '' : ` ${user}`} refused by Redis: ${engineMessage}`);
    this.command = command;
    this.user = user;
  }
}
