-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Welcome to Databricks, ${customer}
-- MAGIC Your data lives in the catalog `${catalog}`; this notebook is managed by onboarder.

-- COMMAND ----------

SHOW SCHEMAS IN ${catalog};

-- COMMAND ----------

SHOW TABLES IN ${catalog}.curated;
