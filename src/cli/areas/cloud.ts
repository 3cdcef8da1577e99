import { SingleBar } from "cli-progress";
import { type Command, Option } from "commander";
import { imageTable } from "../../cloud/commands/image-table.ts";
import { runImages } from "../../cloud/commands/images.ts";
import { runPullImage } from "../../cloud/commands/pull-image.ts";
import { runPush } from "../../cloud/commands/push.ts";
import { runRmi } from "../../cloud/commands/rmi.ts";
import { VISIBILITIES, type Visibility } from "../../cloud/glance/glance-image.ts";
import type { MethodChoice } from "../../cloud/push/upload-image.ts";

const CLOUD_HELP = "cloud name in clouds.yaml (default: $OS_CLOUD, else the OS_* variables)";

/** Registers the cloud commands. Each command parses argv into its typed options and calls its run(). */
export function registerCloudCommands(program: Command): void {
  program
    .command("push")
    .description("publish a composed image to OpenStack Glance")
    .argument("<image|package>", "image file written by mpm compose, or a package to compose first")
    .option("--cloud <name>", CLOUD_HELP)
    .option("--name <name>", "image name in Glance (default: <package>-<version>, or the file name)")
    .addOption(
      new Option(
        "--visibility <v>",
        "who may see the image (default: private, or that of the image --update replaces)",
      ).choices(VISIBILITIES),
    )
    .addOption(
      new Option("--format <f>", "format a package is composed to")
        .choices(["qcow2", "raw"])
        .default("qcow2"),
    )
    .option("--update", "replace the image of the same name: upload the new one, then delete the old", false)
    .addOption(
      new Option("--method <m>", "upload method; auto = glance-direct import when advertised, else PUT")
        .choices(["auto", "put", "glance-direct"])
        .default("auto"),
    )
    .option("--progress", "show a progress bar even when stderr is not a terminal", false)
    .action(
      async (
        image: string,
        o: {
          cloud?: string;
          name?: string;
          visibility?: Visibility;
          update: boolean;
          method: MethodChoice;
          format: "qcow2" | "raw";
          progress: boolean;
        },
      ) => {
        const bar = progressBar(o.progress);
        const showSteps = o.progress || process.stderr.isTTY;
        const result = await runPush({
          image,
          format: o.format,
          onComposeProgress: showSteps
            ? (message) => process.stderr.write(`compose: ${message}\n`)
            : undefined,
          cloud: o.cloud,
          name: o.name,
          visibility: o.visibility,
          update: o.update,
          method: o.method,
          onProgress: bar.update,
        }).finally(bar.stop);
        const { image: pushed } = result;
        process.stdout.write(
          `pushed ${pushed.name} ${pushed.id} (${pushed.disk_format}, ${pushed.size} bytes, ${result.method}, checksums verified)\n`,
        );
        for (const id of result.retired) process.stdout.write(`retired ${id}\n`);
      },
    );

  program
    .command("pull-image")
    .description("download a Glance image (resumes an interrupted download, verifies checksums)")
    .argument("<image>", "image name or id")
    .option("--cloud <name>", CLOUD_HELP)
    .option("-o, --output <file>", "where to write it (default: <name>.qcow2 or <name>.img)")
    .option("--progress", "show a progress bar even when stderr is not a terminal", false)
    .action(async (image: string, o: { cloud?: string; output?: string; progress: boolean }) => {
      const bar = progressBar(o.progress);
      const result = await runPullImage({
        image,
        cloud: o.cloud,
        output: o.output,
        onProgress: bar.update,
      }).finally(bar.stop);
      const resumed = result.resumedFrom > 0 ? `, resumed at byte ${result.resumedFrom}` : "";
      process.stdout.write(`${result.path} (${result.size} bytes${resumed}, checksums verified)\n`);
    });

  program
    .command("images")
    .description("list the images in Glance with the properties mpm sets")
    .option("--cloud <name>", CLOUD_HELP)
    .option("--mine", "only images published by mpm", false)
    .option("--json", "print Glance's image records as JSON", false)
    .action(async (o: { cloud?: string; mine: boolean; json: boolean }) => {
      const images = await runImages({ cloud: o.cloud, mine: o.mine });
      process.stdout.write(o.json ? `${JSON.stringify(images, null, 2)}\n` : `${imageTable(images)}\n`);
    });

  program
    .command("rmi")
    .description("delete a Glance image (protected images are refused)")
    .argument("<image>", "image name or id")
    .option("--cloud <name>", CLOUD_HELP)
    .action(async (image: string, o: { cloud?: string }) => {
      const removed = await runRmi({ image, cloud: o.cloud });
      process.stdout.write(`deleted ${removed.name} ${removed.id}\n`);
    });
}

interface TransferBar {
  update(done: number, total: number): void;
  stop(): void;
}

/** A byte progress bar on stderr, only on a terminal or with --progress, so scripted output stays clean. */
function progressBar(forced: boolean): TransferBar {
  if (!forced && !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: "{bar} {percentage}% | {value}/{total} MiB | {eta}s",
    noTTYOutput: forced,
    notTTYSchedule: 1000,
    hideCursor: true,
  });
  let started = false;
  const mib = (bytes: number) => Math.round(bytes / 1048576);
  return {
    update: (done, total) => {
      if (!started) bar.start(mib(total), 0);
      started = true;
      bar.update(mib(done));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
