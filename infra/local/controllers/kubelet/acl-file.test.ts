import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sha256Hex } from '../../../../shared/acl/rule.ts';
import { ACL_MOUNT, aclFileArgs, composeAclFile, operatorUserLine } from './acl-file.ts';
import { ContainerConfigError } from './container-env.ts';

describe('kubelet: the aclfile a pod starts with', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelet-acl-'));
  after(() => rm(dir, { recursive: true, force: true }));

  it('puts the operator user first (the auth secret password as a hash, or nopass without auth)', () => {
    assert.equal(operatorUserLine('pw'), `user default reset on #${sha256Hex('pw')} ~* &* +@all`);
    assert.equal(operatorUserLine(undefined), 'user default reset on nopass ~* &* +@all');
    const file = composeAclFile('user a reset on ~a +get\n\nuser default on nopass +@all\nuser b reset off\n', 'pw');
    assert.deepEqual(file.trimEnd().split('\n'), [
      operatorUserLine('pw'),
      'user a reset on ~a +get',
      'user b reset off',
    ]);
  });

  it('adds --aclfile only when the ACL secret is mounted, and fails clearly when its key is missing', async () => {
    const data = join(dir, 'data');
    const acl = join(dir, 'acl');
    await mkdir(data, { recursive: true });
    await mkdir(acl, { recursive: true });
    assert.deepEqual(await aclFileArgs(new Map([['/data', data]]), data, 'pw'), []);
    const mounts = new Map([[ACL_MOUNT, acl]]);
    await assert.rejects(aclFileArgs(mounts, data, 'pw'), ContainerConfigError);
    await writeFile(join(acl, 'user_acl.conf'), 'user a reset on ~a +get\n');
    const args = await aclFileArgs(mounts, data, 'pw');
    assert.deepEqual(args, ['--aclfile', join(data, 'users.acl')]);
    assert.equal(await readFile(args[1]!, 'utf8'), `${operatorUserLine('pw')}\nuser a reset on ~a +get\n`);
    assert.equal((await stat(args[1]!)).mode & 0o777, 0o600);
  });
});
