import { Command } from 'commander';

/**
 * The CLI reference in Markdown, from the command table itself (what `--help` prints comes from
 * the same table): each command with its usage, what it does, its arguments and its options.
 * docs/cli.md holds it between `<!-- cli-reference -->` markers.
 */
export function referenceOf(program: Command): string {
  const help = program.createHelp();
  const sections = program.commands
    .filter((command) => command.name() !== 'help')
    .map((command) => {
      const rows = [
        ...help
          .visibleArguments(command)
          .map((a) => [help.argumentTerm(a), help.argumentDescription(a)]),
        ...help
          .visibleOptions(command)
          .filter((o) => o.long !== '--help')
          .map((o) => [help.optionTerm(o), help.optionDescription(o)]),
      ];
      return [
        `### \`${command.name()}\``,
        '',
        markdown(sentence(command.description())),
        '',
        '```text',
        `${program.name()} ${help.commandUsage(command).replace(`${program.name()} `, '')}`,
        '```',
        '',
        ...(rows.length === 0
          ? []
          : [
              '| argument or option | meaning |',
              '| --- | --- |',
              ...rows.map(
                ([term, meaning]) => `| \`${term.replace(/\|/g, '\\|')}\` | ${cell(meaning)} |`,
              ),
              '',
            ]),
      ].join('\n');
    });
  return sections.join('\n');
}

/** A description as a sentence: capitalised, with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}${/[.!?)]$/.test(trimmed) ? '' : '.'}`;
}

/** Text for a Markdown table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return markdown(text)
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

/** Plain text as Markdown: `<` and `>` do not open HTML tags. */
function markdown(text: string): string {
  return text.replace(/([<>])/g, '\\$1');
}
