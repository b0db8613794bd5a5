"""Questions fréquentes: who reads which entry (``access``), reading (``selectors``), editing (``editing``)."""
