"""What the Spark job (:mod:`amparo.cli.spark_job`) refuses before Spark starts, each naming
the argument it is about: an OUT that is no folder of Parquet parts or that would write over IN, a
master URL Spark does not take or a ``spark://`` master that does not answer, an IN that is not
Parquet (every part's footer read). Said in the user's language at the job's edge (``--lang``)."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from amparo.batch.compression import CODECS
from amparo.batch.file_paths import JSON_LINES_SUFFIXES
from amparo.errors import FieldError, InputError, Phrase, system_reason

#: The master URLs Spark takes (``SparkContext``): local mode, a standalone cluster, YARN, Kubernetes.
MASTER = re.compile(
    r"local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?|local-cluster\[[0-9]+,[0-9]+,[0-9]+\]|yarn"
    r"|spark://[^\s/]+|k8s://\S+"
)


def local_path(text: str) -> Path | None:
    """The local path a path given to Spark names (a ``file:`` URL, or a plain path where Spark
    reads plain paths as local files); ``None`` for another file system (``s3://``, ``hdfs://``,
    or a plain path that names the cluster's default file system)."""
    if text.startswith("file://"):
        return Path(text[len("file://") :] or "/")
    if text.startswith("file:"):
        return Path(text[len("file:") :])
    return Path(text) if "://" not in text and PLAIN_PATHS_LOCAL[0] else None


#: Whether a plain path names a local file: in a session this command starts in local mode with
#: no Hadoop configuration. Under ``spark-submit``, with another master or a Hadoop configuration
#: (``fs.defaultFS``, often HDFS) a plain path is Spark's to read and write, as any remote path.
PLAIN_PATHS_LOCAL = [True]


def plain_paths_are_local(master: str | None) -> bool:
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM, its master
    hadoop = any(os.environ.get(name) for name in ("HADOOP_CONF_DIR", "YARN_CONF_DIR"))
    return not submitted and not hadoop and (master is None or master.startswith("local"))


#: The endings of a text file's name (JSON Lines, compressed or not, and other text).
TEXT_ENDINGS = (*JSON_LINES_SUFFIXES, *CODECS, ".txt", ".csv")


def refuse_what_is_no_parquet_folder(out: str) -> None:
    """OUT is a folder of Parquet parts: ``-`` (standard output to every other command), a name
    ending like a text file's and an existing file are refused (a folder named ``-`` or ``o.jsonl``
    was written, and a file given was replaced by a folder)."""
    if out == "-":
        raise InputError(
            [
                FieldError(
                    "OUT",
                    Phrase(
                        "the job writes a folder of Parquet parts, which standard output (-) cannot hold; "
                        "give the folder to write"
                    ),
                )
            ]
        )
    name = out.rstrip("/").rsplit("/", 1)[-1].lower()
    if name.endswith(TEXT_ENDINGS):
        raise InputError(
            [
                FieldError(
                    "OUT",
                    Phrase(
                        "{out} is named as a text file, but the job writes a folder of Parquet parts; "
                        "give a folder name such as screened.parquet",
                        out=out,
                    ),
                )
            ]
        )
    local = local_path(out)
    if local is not None and local.is_file():
        raise InputError(
            [
                FieldError(
                    "OUT",
                    Phrase(
                        "{out} is a file; the job writes a folder of Parquet parts (a folder is replaced, "
                        "a file is not): give a folder name",
                        out=out,
                    ),
                )
            ]
        )


def refuse_writing_over_the_input(source: str, out: str) -> None:
    """OUT naming IN, or a folder that holds IN, would have Spark delete the input (``overwrite``);
    a local OUT must be a name that can be replaced (not ``.``, ``..`` or a mount point)."""
    from amparo.batch.output_file import refuse_overwriting

    local_source, local_out = local_path(source), local_path(out)
    if local_out is not None and (not out or local_out.name in ("", ".", "..") or os.path.ismount(local_out)):
        raise InputError(
            [
                FieldError(
                    "OUT",
                    Phrase(
                        "{out} names no folder the job can replace; give the folder to write", out=repr(out)
                    ),
                )
            ]
        )
    if local_source is not None and local_out is not None:
        refuse_overwriting(local_out, [("IN", local_source)], option="OUT")
        if local_out.is_dir() and local_source.resolve().is_relative_to(local_out.resolve()):
            raise InputError([FieldError("OUT", _holds_in(out, source))])
    elif source.rstrip("/") == out.rstrip("/"):
        raise InputError(
            [FieldError("OUT", Phrase("{out} is the path read as IN; give another path to write", out=out))]
        )
    elif source.startswith(out.rstrip("/") + "/"):
        raise InputError([FieldError("OUT", _holds_in(out, source))])


def _holds_in(out: str, source: str) -> Phrase:
    return Phrase(
        "{out} holds {source}, read as IN, and is written over; write it elsewhere", out=out, source=source
    )


def refused_master(master: str | None) -> InputError | None:
    if master is None or MASTER.fullmatch(master):
        return None
    return InputError(
        [
            FieldError(
                "--master",
                Phrase(
                    "expected local, local[N], local[*], yarn, spark://HOST:PORT or k8s://URL, got {master}",
                    master=repr(master),
                ),
            )
        ]
    )


#: How long a ``spark://`` master has to accept a connection before it is said not to answer
#: (Spark itself retries for about a minute, then says only that its context was stopped).
CONNECT_SECONDS = 10.0


def unreachable_master(master: str | None, setting: str) -> InputError | None:
    """A ``spark://HOST:PORT[,HOST:PORT...]`` master none of whose addresses takes a connection,
    named with the option or setting that gave it; ``None`` when one does, or for another master."""
    if master is None or not master.startswith("spark://"):
        return None
    reasons = []
    for address in master[len("spark://") :].split(","):
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            return None  # not an address: Spark says what is wrong with it
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
                return None
        except OSError as exc:
            reasons.append(system_reason(exc, lower=True))
    return InputError(
        [
            FieldError(
                setting,
                Phrase(
                    "the Spark master at {master} could not be reached ({reasons}); "
                    "give the address of a running master",
                    master=master,
                    reasons=_joined(list(dict.fromkeys(reasons))),
                ),
            )
        ]
    )


def _joined(reasons: list[Phrase]) -> Phrase:
    """Reasons one after another (``connection refused; no route to host``), each said in the
    user's language where the catalogue has it."""
    if len(reasons) == 1:
        return reasons[0]
    return Phrase("{first}; {rest}", first=reasons[0], rest=_joined(reasons[1:]))


def unreadable_input(source: str) -> str | None:
    """Why a local IN cannot be read as Parquet (every part's footer read here, before Spark
    starts and logs its own stack trace); ``None`` when it can, or when it is remote."""
    from amparo.batch.parquet_input import parquet_rows

    path = local_path(source)
    if path is None:
        return None
    if not path.exists():
        return Phrase("no such file or folder")
    try:
        parquet_rows(path)
    except InputError as exc:  # one problem (a Phrase, said in the user's language)
        messages = [error.message for error in exc.errors]
        return messages[0] if len(messages) == 1 else "; ".join(messages)
    return None
