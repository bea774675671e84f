// Makes the OS image the test hub's image service serves: an ISO in RHCOS's shape, small but
// with every part upstream's assisted-image-service opens or rewrites (pkg/imagestore,
// pkg/isoeditor; read at a55e383), made with Debian's tools (mksquashfs, cpio, xorriso):
// - volume id `rhcos-<version>` (imagestore validateISOID: rhcos-, fedora-coreos- or scos-);
// - images/pxeboot/rootfs.img: a cpio (newc) holding root.squashfs, which holds
//   usr/bin/nmstatectl: for OpenShift 4.18 and later the image service extracts it
//   (`cat rootfs.img | cpio -i`, `unsquashfs`) into the minimal ISO's images/nmstate.img; zeros
//   after the archive's end bring it to 100 MiB (validateBootArtifacts' minimum);
// - images/pxeboot/vmlinuz: 5 MiB of zeros (the kernel's minimum), initrd.img a tiny cpio;
// - images/ignition.img (256 KiB, named by coreos/igninfo.json) and
//   images/assisted_installer_custom.img (1 MiB): the embed areas the discovery ignition and the
//   minimal ISO's ramdisk are written into;
// - EFI/redhat/grub.cfg and isolinux/isolinux.cfg with RHCOS's kernel arguments and their
//   COREOS_KARG_EMBED_AREA, and coreos/kargs.json giving the area's offset in each (the minimal
//   ISO template rewrites them: coreos.liveiso out, coreos.live.rootfs_url in).
// The files of zeros are sparse until xorriso writes them. Nothing here boots.
// Usage: node make-os-image.mjs OUT.iso RHCOS_VERSION NMSTATECTL
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [out, version, nmstatectl] = process.argv.slice(2);
if (!out || !version || !nmstatectl) throw new Error('usage: make-os-image.mjs OUT.iso RHCOS_VERSION NMSTATECTL');
const MiB = 1024 * 1024;
const volumeId = `rhcos-${version}`;
if (volumeId.length > 32) throw new Error(`volume id ${volumeId} is longer than ISO 9660's 32 characters`);

const work = mkdtempSync(join(tmpdir(), 'os-image-'));
const tree = join(work, 'iso');
const file = (path, content) => {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), content);
};
const zeros = (path, size) => {
  file(path, '');
  truncateSync(join(tree, path), size);
};
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });

try {
  // rootfs.img: cpio(root.squashfs(usr/bin/nmstatectl)), zero-padded.
  const root = join(work, 'root');
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  copyFileSync(nmstatectl, join(root, 'usr/bin/nmstatectl'));
  run('mksquashfs', [root, join(work, 'root.squashfs'), '-noappend', '-quiet', '-all-root']);
  mkdirSync(join(tree, 'images/pxeboot'), { recursive: true });
  writeFileSync(join(tree, 'images/pxeboot/rootfs.img'), execFileSync('cpio', ['--quiet', '-o', '-H', 'newc'], { cwd: work, input: 'root.squashfs\n', maxBuffer: 256 * MiB }));
  truncateSync(join(tree, 'images/pxeboot/rootfs.img'), 100 * MiB);

  zeros('images/pxeboot/vmlinuz', 5 * MiB);
  writeFileSync(join(work, 'README'), 'assisted-swarm test hub: a placeholder initrd; nothing boots from this image\n');
  file('images/pxeboot/initrd.img', execFileSync('cpio', ['--quiet', '-o', '-H', 'newc'], { cwd: work, input: 'README\n' }));
  zeros('images/ignition.img', 256 * 1024);
  zeros('images/assisted_installer_custom.img', MiB);
  file('coreos/igninfo.json', `${JSON.stringify({ file: 'images/ignition.img' })}\n`);

  // The kernel arguments and their embed area, as in RHCOS's live ISO.
  const kargs = `mitigations=auto,nosmt coreos.liveiso=${volumeId} ignition.firstboot ignition.platform.id=metal`;
  const area = `\n${'#'.repeat(1024)} COREOS_KARG_EMBED_AREA\n`;
  const grub = [
    'set timeout=5',
    "menuentry 'RHEL CoreOS (Live)' --class fedora --class gnu-linux --class gnu --class os {",
    `\tlinux /images/pxeboot/vmlinuz ${kargs}${area}\tinitrd /images/pxeboot/initrd.img /images/ignition.img`,
    '}',
    '',
  ].join('\n');
  const isolinux = [
    'default vesamenu.c32',
    'label linux',
    '  menu label ^RHEL CoreOS (Live)',
    '  menu default',
    '  kernel /images/pxeboot/vmlinuz',
    `  append initrd=/images/pxeboot/initrd.img,/images/ignition.img ${kargs}${area}`,
  ].join('\n');
  file('EFI/redhat/grub.cfg', grub);
  file('isolinux/isolinux.cfg', isolinux);
  // The area: the default arguments and the padding up to the marker, at the same size in both files.
  const entry = (path, text) => ({ offset: text.indexOf(kargs), path });
  const size = grub.indexOf(' COREOS_KARG_EMBED_AREA') - grub.indexOf(kargs);
  file('coreos/kargs.json', `${JSON.stringify({ default: kargs, files: [entry('EFI/redhat/grub.cfg', grub), entry('isolinux/isolinux.cfg', isolinux)], size }, null, 2)}\n`);

  // Rock Ridge and Joliet, as upstream's own tests make theirs (genisoimage -R -J -joliet-long).
  const partial = `${out}.partial`;
  run('xorriso', ['-as', 'mkisofs', '-quiet', '-R', '-J', '-joliet-long', '-V', volumeId, '-o', partial, tree]);
  renameSync(partial, out);
} finally {
  rmSync(work, { recursive: true, force: true });
}
