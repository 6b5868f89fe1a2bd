# The digests that stand, in the stages' inputs, for files every report's jobs depend on
# (DIGESTED in rules/common.smk). Each is written anew, and so reruns every stage that names it,
# when one of its files is newer or holds other bytes.


rule digest:
    input:
        lambda wildcards: DIGESTED[wildcards.name],
    output:
        "build/{name}.sha256",
    log:
        "build/logs/{name}.log",
    wildcard_constraints:
        name="|".join(DIGESTED),
    localrule: True
    params:
        content=content_of(lambda wildcards: DIGESTED[wildcards.name]),
    run:
        Path(output[0]).write_text(f"{params.content}\n", encoding="utf-8")
        Path(log[0]).write_text("", encoding="utf-8")
