"""Command-line interface: ``python -m analysis validate|run|score|render``.

Messages for users are in Russian. Known input problems end with a message
and a non-zero exit code, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from analysis import config
from analysis.errors import AnalysisError, DataQualityWarning

EXIT_INPUT_ERROR = 2


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=config.DEFAULT_DATA_DIR,
        help="папка с четырьмя файлами магазина (по умолчанию data/)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        dest="verbose",
        action="store_const",
        const=0,
        default=1,
        help="не печатать ход работы",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per action."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Прогноз снижения покупательской активности клиентов магазина.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="КОМАНДА")

    validate = commands.add_parser("validate", help="проверить файлы данных и показать исправления")
    _add_common_options(validate)

    run = commands.add_parser("run", help="обучить модель и записать результаты")
    _add_common_options(run)
    run.add_argument(
        "--out",
        type=Path,
        default=config.DEFAULT_OUT_DIR,
        help="папка для metrics.json, scores.csv, модели и предложений (по умолчанию output/)",
    )
    run.add_argument(
        "--budget",
        type=int,
        default=None,
        help="сколько клиентов магазин может охватить предложениями",
    )

    score = commands.add_parser("score", help="оценить новых клиентов сохранённой моделью")
    _add_common_options(score)
    score.add_argument("--model", type=Path, required=True, help="файл модели *.skops")
    score.add_argument("--out", type=Path, required=True, help="CSV-файл для вероятностей")

    render = commands.add_parser("render", help="собрать сайт отчёта без Quarto")
    _add_common_options(render)
    render.add_argument(
        "--project",
        type=Path,
        default=config.PROJECT_ROOT,
        help="папка проекта Quarto (по умолчанию корень репозитория)",
    )
    render.add_argument(
        "--assets-only",
        action="store_true",
        help="только записать локальный JavaScript графиков (нужен и для quarto render)",
    )
    return parser


def _run_command(args: argparse.Namespace) -> None:
    if args.command == "validate":
        from analysis.dataset import describe_dataset, load_dataset

        # describe_dataset lists the data warnings itself.
        warnings.simplefilter("ignore", DataQualityWarning)
        dataset = load_dataset(args.data, verbose=args.verbose)
        print(describe_dataset(dataset))

    elif args.command == "run":
        from analysis.pipeline import run_pipeline

        run_pipeline(args.data, args.out, budget=args.budget, verbose=args.verbose)

    elif args.command == "score":
        from analysis.scoring import write_scores

        write_scores(args.model, args.data, args.out, verbose=args.verbose)

    elif args.command == "render":
        from analysis.render import render_site
        from analysis.render.assets import ensure_vega_bundle

        if args.assets_only:
            ensure_vega_bundle(args.project)
        else:
            render_site(args.project, data_dir=args.data, verbose=args.verbose)


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    # Users need the message, not the source line that issued it.
    print(f"Предупреждение: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _print_warning
            _run_command(args)
    except AnalysisError as error:
        print(f"Ошибка: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    return 0
