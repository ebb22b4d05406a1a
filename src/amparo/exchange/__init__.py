"""The exchange between installations: signed, encrypted envelopes and receipts, installation keys,
peers, and the transfer of case packages (read through :mod:`amparo.access`, audited through
:mod:`amparo.audit`)."""
