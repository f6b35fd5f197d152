from loaders.huge_pages import ask_for_huge_pages

ask_for_huge_pages()  # before pyarrow loads (loaders.huge_pages)

from loaders.cli import cli  # noqa: E402

cli(prog_name="python -m loaders")
